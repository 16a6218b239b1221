package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The upload purge runs as a scheduled job of the running server and shows in the schedules API. */
class SchedulesIT {
  @Test
  void theUploadPurgeIsAScheduleWhoseJobsTheRunnerRuns() throws Exception {
    try (TestRegistry registry = TestRegistry.start(TestRegistry.Backend.SQLITE)) {
      RegistryClient client = registry.admin();
      String admin = "Basic " + Base64.getEncoder().encodeToString(
          (TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD).getBytes());
      JsonNode purge = purgeSchedule(client, admin);
      assertThat(purge.get("kind").asText()).isEqualTo("uploads.purge");
      assertThat(purge.get("interval").asText()).isEqualTo("PT1H");
      assertThat(purge.get("lastJobId").isNull()).as("not due before an hour has passed").isTrue();

      registry.advanceClock(Duration.ofMinutes(61));
      // The scheduler sleeps at most 10 s between looks at the schedules.
      JsonNode job = null;
      for (int i = 0; i < 150 && job == null; i++) {
        Thread.sleep(100);
        JsonNode lastJob = purgeSchedule(client, admin).get("lastJobId");
        if (!lastJob.isNull()) {
          job = RegistryClient.json(client.send("GET", "/api/v1/jobs/" + lastJob.asLong() + "?wait=30s", null, null,
              "Authorization", admin));
        }
      }
      assertThat(job).as("a purge job was queued").isNotNull();
      assertThat(job.get("kind").asText()).isEqualTo("uploads.purge");
      assertThat(job.get("state").asText()).isEqualTo("succeeded");
      assertThat(job.get("message").asText()).isEqualTo("purged 0 expired uploads");

      assertThat(client.send("GET", "/api/v1/schedules", null, null).statusCode()).isEqualTo(401);
    }
  }

  private static JsonNode purgeSchedule(RegistryClient client, String admin) throws Exception {
    HttpResponse<byte[]> response = client.send("GET", "/api/v1/schedules", null, null, "Authorization", admin);
    assertThat(response.statusCode()).isEqualTo(200);
    for (JsonNode schedule : RegistryClient.json(response).get("items")) {
      if (schedule.get("name").asText().equals("uploads.purge")) {
        return schedule;
      }
    }
    throw new AssertionError("no uploads.purge schedule");
  }
}

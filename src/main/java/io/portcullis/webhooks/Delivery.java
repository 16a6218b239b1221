package io.portcullis.webhooks;

import java.time.Instant;
import java.util.Map;

/**
 * One message to one webhook and how sending it went; retries update it, a redelivery is a new one.
 *
 * @param eventId         the event it reports; null for a ping
 * @param type            the event type's wire name, or {@code webhook.ping}
 * @param attempts        how many times it was sent
 * @param nextAttemptAt   when it is due (again) while pending
 * @param redeliveryOf    the delivery it repeats, or null
 * @param requestHeaders  the headers of the last attempt (signature included: it is no secret), or empty before the first
 * @param requestBody     the body of the last attempt, or null before the first
 * @param responseStatus  the last attempt's HTTP status, or null when none came (refused, unreachable, timed out)
 * @param responseBody    the first {@value WebhookClient#BODY_HEAD_BYTES} bytes of the last answer's body
 * @param durationMillis  how long the last attempt took
 * @param error           why the last attempt failed; null after a success
 */
public record Delivery(long id, long webhookId, Long eventId, String type, State state, int attempts,
    Instant createdAt, Instant nextAttemptAt, Instant lastAttemptAt, Instant finishedAt, Long redeliveryOf,
    Map<String, String> requestHeaders, String requestBody, Integer responseStatus, String responseBody,
    Long durationMillis, String error) {

  public Delivery {
    requestHeaders = requestHeaders == null ? Map.of() : Map.copyOf(requestHeaders);
  }

  /** Where a delivery stands. */
  public enum State {
    /** Not sent yet, or failed and waiting for its next attempt. */
    PENDING("pending"),
    SUCCEEDED("succeeded"),
    /** Given up on: every attempt failed until the retry horizon passed (or the one attempt of a ping). */
    FAILED("failed");

    private final String wireName;

    State(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static State fromWireName(String name) {
      for (State state : values()) {
        if (state.wireName.equals(name)) {
          return state;
        }
      }
      throw new IllegalArgumentException("unknown delivery state " + name);
    }
  }
}

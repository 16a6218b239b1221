package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqliteWebhooksIT extends WebhooksApiContract {
  @Override
  TestRegistry.Backend backend() {
    return TestRegistry.Backend.SQLITE;
  }

  /** The other tests allow 127.0.0.1; a registry without that allowlist refuses it (and its like). */
  @Test
  void withoutTheAllowlistLoopbackTargetsAreRefused() throws Exception {
    try (TestRegistry strict = TestRegistry.start(TestRegistry.Backend.SQLITE)) {
      RegistryClient client = new RegistryClient(strict.baseUrl(), null, null);
      String admin = basic(TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD);
      for (String[] refused : new String[][] {
          {receiver.url("/in"), "url refused: 127.0.0.1, a loopback address outside webhooks.allowed-networks"},
          {"http://169.254.169.254/latest/meta-data/", "url refused: 169.254.169.254, a metadata address"},
          {"http://[::1]:8080/", "url refused: [::1], a loopback address"},
          {"http://192.168.0.10/", "url refused: 192.168.0.10, a private address"}}) {
        var response = client.send("POST", "/api/v1/webhooks", null,
            ("{\"url\":\"" + refused[0] + "\"}").getBytes(), "Content-Type", "application/json", "Authorization", admin);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(RegistryClient.json(response).get("detail").asText()).startsWith(refused[1]);
      }
    }
  }
}

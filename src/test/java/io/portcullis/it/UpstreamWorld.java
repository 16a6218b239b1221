package io.portcullis.it;

import io.portcullis.app.Setting;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A Portcullis that may reach upstreams on loopback ({@code mirror.allowed-networks=127.0.0.1/32}; other
 * loopback addresses stay refused) and a distribution upstream holding {@code library/alpine} tags
 * 3.16.9 (alpine-3.16), 3.16 (alpine-3.16-multiarch) and 1.0 (clean-tiny): what the mirroring and
 * the pull-through cache contracts start from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UpstreamWorld {
  TestRegistry registry;
  RegistryClient client;
  String basic;
  Path work;
  /** The distribution upstream, {@code 127.0.0.1:PORT}. */
  String distribution;
  Distribution upstream;
  /** Closed after the registry (proxies a test started). */
  final List<AutoCloseable> closing = new ArrayList<>();

  abstract TestRegistry.Backend backend();

  /** A port of 5600-5699 per contract and backend, so no two ITs share a distribution. */
  abstract int distributionPort();

  @BeforeAll
  void startWorld() throws Exception {
    registry = TestRegistry.start(backend(), Map.of(Setting.MIRROR_ALLOWED_NETWORKS, "127.0.0.1/32"));
    client = registry.admin();
    basic = "Basic " + Base64.getEncoder().encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    work = Files.createTempDirectory("portcullis-" + getClass().getSimpleName() + "-");
    upstream = Distribution.start(distributionPort(), work.resolve("distribution"));
    distribution = upstream.host;
    pushUpstream("alpine-3.16", "library/alpine:3.16.9");
    pushUpstream("alpine-3.16-multiarch", "library/alpine:3.16");
    pushUpstream("clean-tiny", "library/alpine:1.0");
  }

  @AfterAll
  void stopWorld() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    registry.close();
    upstream.close();
  }

  void pushUpstream(String fixture, String reference) throws Exception {
    upstream.push(fixture, reference);
  }

  /** A REST call as the administrator (Basic). */
  HttpResponse<byte[]> api(String method, String path, String body) throws Exception {
    return client.send(method, "/api/v1" + path, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        "Authorization", basic, "Content-Type", "application/json");
  }

  /** The manifest as served ({@code skopeo inspect --raw}); {@code creds} null for anonymous. */
  String raw(String reference, String creds) throws Exception {
    List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false"));
    command.addAll(creds == null ? List.of("--no-creds") : List.of("--creds", creds));
    command.add(reference);
    return Processes.run(command).requireSuccess().output();
  }
}

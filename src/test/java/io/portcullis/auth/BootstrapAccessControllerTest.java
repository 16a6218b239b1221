package io.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapAccessControllerTest {
  private final AccessController controller = new BootstrapAccessController();
  private final ResourceScope pushPull =
      new ResourceScope(ResourceType.REPOSITORY, "team/app", Set.of(Action.PULL, Action.PUSH));

  @Test
  void adminGetsExactlyWhatItAsksFor() {
    Principal admin = new Principal("root", Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));

    assertThat(controller.grant(admin, pushPull)).containsExactly(Action.PULL, Action.PUSH);
    assertThat(controller.grant(admin, new ResourceScope(ResourceType.REGISTRY, "catalog", Set.of(Action.ALL))))
        .containsExactly(Action.ALL);
  }

  @Test
  void everyoneElseGetsNothing() {
    assertThat(controller.grant(Principal.anonymous(), pushPull)).isEmpty();
    assertThat(controller.grant(new Principal("alice", Principal.Kind.USER, Set.of()), pushPull)).isEmpty();
    assertThat(controller.grant(new Principal("ci", Principal.Kind.ROBOT, Set.of()), pushPull)).isEmpty();
  }
}

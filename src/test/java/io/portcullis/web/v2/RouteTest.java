package io.portcullis.web.v2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTest {
  @Test
  void splitsAtTheLastMarkerWhoseRestIsOneSegment() {
    assertThat(Route.parse("a/b/manifests/latest")).isEqualTo(new Route("a/b", Route.Kind.MANIFEST, "latest"));
    assertThat(Route.parse("a/blobs/b/blobs/sha256:1")).isEqualTo(new Route("a/blobs/b", Route.Kind.BLOB, "sha256:1"));
    assertThat(Route.parse("x/manifests/blobs/sha256:1")).isEqualTo(new Route("x/manifests", Route.Kind.BLOB, "sha256:1"));
    assertThat(Route.parse("a/blobs/uploads/")).isEqualTo(new Route("a", Route.Kind.UPLOAD, ""));
    assertThat(Route.parse("a/blobs/uploads/abc")).isEqualTo(new Route("a", Route.Kind.UPLOAD, "abc"));
    assertThat(Route.parse("a/b/tags/list")).isEqualTo(new Route("a/b", Route.Kind.TAGS, ""));
    assertThat(Route.parse("a/referrers/sha256:1")).isEqualTo(new Route("a", Route.Kind.REFERRERS, "sha256:1"));
  }

  @Test
  void rejectsPathsThatAreNoEndpoint() {
    assertThat(Route.parse("a/b")).isNull();
    assertThat(Route.parse("a/manifests/")).isNull();
    assertThat(Route.parse("/manifests/x")).isNull();
  }
}

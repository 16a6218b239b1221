package io.portcullis.policy;

import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Instant;
import java.util.List;

/**
 * A source tag as a policy evaluates it: what it points at now and the facts of each platform image
 * (one for an image manifest, one per child of an index).
 */
public record Candidate(RepositoryName repository, Tag tag, Digest digest, String mediaType, List<ImageFacts> images,
    Instant now) {
  public Candidate {
    images = List.copyOf(images);
  }
}

package io.portcullis.policy;

import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Instant;

/**
 * What a policy did with a source tag at a digest: promoted it (once, for good) or refused to (with
 * the reason; a later evaluation may still promote it).
 */
public record Promotion(long id, long policyId, RepositoryName source, Tag sourceTag, Digest digest,
    RepositoryName target, Tag targetTag, State state, String reason, Instant at) {
  public enum State { PROMOTED, REFUSED }
}

package io.portcullis.policy;

import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.util.List;

/**
 * What a policy does with one source tag, and why: a dry run reports these, and applying does exactly
 * what they say (a promotion that then fails, say because the target tag became immutable meanwhile,
 * is reported as {@link Outcome#REFUSE} with the reason).
 *
 * @param target    the target repository, null when the criteria did not hold
 * @param targetTag the target tag, null when the criteria did not hold
 */
public record Decision(long policyId, String policyName, RepositoryName repository, Tag tag, Digest digest,
    RepositoryName target, Tag targetTag, Outcome outcome, List<String> reasons) {
  public Decision {
    reasons = List.copyOf(reasons);
  }

  public enum Outcome {
    /** The criteria hold: the image is (or would be) copied. */
    PROMOTE("promote"),
    /** This policy promoted this tag at this digest before; each promotion happens once. */
    ALREADY_PROMOTED("already-promoted"),
    /** A criterion does not hold (or the image is not scanned yet). */
    SKIP("skip"),
    /** The criteria hold but the copy is refused: the target tag is immutable or the owner lacks permission. */
    REFUSE("refuse");

    private final String wireName;

    Outcome(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  Decision with(Outcome outcome, String reason) {
    List<String> more = new java.util.ArrayList<>(reasons);
    more.add(reason);
    return new Decision(policyId, policyName, repository, tag, digest, target, targetTag, outcome, more);
  }
}

package io.portcullis.policy;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.util.List;
import java.util.Optional;

/** Where promotion policies and what they promoted are kept. */
public interface PolicyStore {
  /** Stores a new policy; returns its id. */
  long insert(Tx tx, PromotionPolicy policy);

  Optional<PromotionPolicy> find(Tx tx, long id);

  /** The policy, its row locked until commit: promotions by one policy happen one at a time. */
  Optional<PromotionPolicy> lock(Tx tx, long id);

  void update(Tx tx, PromotionPolicy policy);

  boolean delete(Tx tx, long id);

  /** Every policy, by source then position then id. */
  List<PromotionPolicy> all(Tx tx);

  /** The largest position of the source's policies, 0 when it has none. */
  int lastPosition(Tx tx, String source);

  Optional<Promotion> promotion(Tx tx, long policyId, RepositoryName source, Tag tag, Digest digest);

  /** How many images the policy promoted: {@code {n}} of the next one is this plus one. */
  long promotedCount(Tx tx, long policyId);

  /** Records the outcome for the policy, source tag and digest, replacing a refusal recorded before. */
  void record(Tx tx, Promotion promotion);

  /** Up to {@code limit} of the policy's promotions with ids below {@code before}, newest first. */
  List<Promotion> promotions(Tx tx, long policyId, long before, int limit);
}

package io.portcullis.policy.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.Principal;
import io.portcullis.metadata.Tx;
import io.portcullis.policy.PolicyDefinition;
import io.portcullis.policy.PolicyStore;
import io.portcullis.policy.Promotion;
import io.portcullis.policy.PromotionPolicy;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.mapper.RowMapper;

/** Policies in {@code promotion_policies}, their outcomes in {@code promotions}. */
public final class JdbcPolicyStore implements PolicyStore {
  private static final String COLUMNS = "id, source, position, name, enabled, definition, owner_subject, owner_kind, "
      + "owner_flags, created_at, updated_at";
  private static final String PROMOTION_COLUMNS = "id, policy_id, source_repository, source_tag, source_digest, "
      + "target_repository, target_tag, state, reason, at";
  private static final RowMapper<Promotion> PROMOTION = (rs, ctx) -> new Promotion(rs.getLong(1), rs.getLong(2),
      RepositoryName.of(rs.getString(3)), new Tag(rs.getString(4)), Digest.parse(rs.getString(5)),
      RepositoryName.of(rs.getString(6)), new Tag(rs.getString(7)),
      Promotion.State.valueOf(rs.getString(8).toUpperCase(Locale.ROOT)), rs.getString(9),
      Instant.ofEpochMilli(rs.getLong(10)));

  private final ObjectMapper json;
  private final RowMapper<PromotionPolicy> policy;

  public JdbcPolicyStore(ObjectMapper json) {
    this.json = json;
    this.policy = (rs, ctx) -> new PromotionPolicy(rs.getLong(1), new RepositoryScope(rs.getString(2)), rs.getInt(3),
        rs.getString(4), rs.getBoolean(5), PolicyDefinition.fromJson(json, rs.getString(6)),
        new Principal(rs.getString(7), Principal.Kind.valueOf(rs.getString(8)), flags(rs.getString(9))),
        Instant.ofEpochMilli(rs.getLong(10)), Instant.ofEpochMilli(rs.getLong(11)));
  }

  private static Set<Principal.Flag> flags(String stored) {
    Set<Principal.Flag> flags = EnumSet.noneOf(Principal.Flag.class);
    Arrays.stream(stored.split(",")).filter(f -> !f.isEmpty()).forEach(f -> flags.add(Principal.Flag.valueOf(f)));
    return flags;
  }

  @Override
  public long insert(Tx tx, PromotionPolicy p) {
    return tx.handle().createQuery("INSERT INTO promotion_policies(source, position, name, enabled, definition, "
            + "owner_subject, owner_kind, owner_flags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "RETURNING id")
        .bind(0, p.source().value()).bind(1, p.position()).bind(2, p.name()).bind(3, p.enabled())
        .bind(4, p.definition().toJson(json)).bind(5, p.owner().subject()).bind(6, p.owner().kind().name())
        .bind(7, p.owner().flags().stream().map(Enum::name).sorted().collect(Collectors.joining(",")))
        .bind(8, p.createdAt().toEpochMilli()).bind(9, p.updatedAt().toEpochMilli()).mapTo(Long.class).one();
  }

  @Override
  public Optional<PromotionPolicy> find(Tx tx, long id) {
    return select(tx, id, "");
  }

  @Override
  public Optional<PromotionPolicy> lock(Tx tx, long id) {
    return select(tx, id, tx.dialect().forUpdate());
  }

  private Optional<PromotionPolicy> select(Tx tx, long id, String lock) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM promotion_policies WHERE id = ?" + lock).bind(0, id)
        .map(policy).findOne();
  }

  @Override
  public void update(Tx tx, PromotionPolicy p) {
    tx.handle().createUpdate("UPDATE promotion_policies SET position = ?, name = ?, enabled = ?, definition = ?, "
            + "owner_subject = ?, owner_kind = ?, owner_flags = ?, updated_at = ? WHERE id = ?")
        .bind(0, p.position()).bind(1, p.name()).bind(2, p.enabled()).bind(3, p.definition().toJson(json))
        .bind(4, p.owner().subject()).bind(5, p.owner().kind().name())
        .bind(6, p.owner().flags().stream().map(Enum::name).sorted().collect(Collectors.joining(",")))
        .bind(7, p.updatedAt().toEpochMilli()).bind(8, p.id()).execute();
  }

  @Override
  public boolean delete(Tx tx, long id) {
    return tx.handle().createUpdate("DELETE FROM promotion_policies WHERE id = ?").bind(0, id).execute() == 1;
  }

  @Override
  public List<PromotionPolicy> all(Tx tx) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM promotion_policies ORDER BY source, position, id")
        .map(policy).list();
  }

  @Override
  public int lastPosition(Tx tx, String source) {
    return tx.handle().createQuery("SELECT COALESCE(MAX(position), 0) FROM promotion_policies WHERE source = ?")
        .bind(0, source).mapTo(Integer.class).one();
  }

  @Override
  public Optional<Promotion> promotion(Tx tx, long policyId, RepositoryName source, Tag tag, Digest digest) {
    return tx.handle().createQuery("SELECT " + PROMOTION_COLUMNS + " FROM promotions WHERE policy_id = ? AND "
            + "source_repository = ? AND source_tag = ? AND source_digest = ?")
        .bind(0, policyId).bind(1, source.value()).bind(2, tag.value()).bind(3, digest.toString()).map(PROMOTION)
        .findOne();
  }

  @Override
  public long promotedCount(Tx tx, long policyId) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM promotions WHERE policy_id = ? AND state = 'promoted'")
        .bind(0, policyId).mapTo(Long.class).one();
  }

  @Override
  public void record(Tx tx, Promotion p) {
    tx.handle().createUpdate("INSERT INTO promotions(policy_id, source_repository, source_tag, source_digest, "
            + "target_repository, target_tag, state, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (policy_id, source_repository, source_tag, source_digest) DO UPDATE SET "
            + "target_repository = excluded.target_repository, target_tag = excluded.target_tag, "
            + "state = excluded.state, reason = excluded.reason, at = excluded.at")
        .bind(0, p.policyId()).bind(1, p.source().value()).bind(2, p.sourceTag().value()).bind(3, p.digest().toString())
        .bind(4, p.target().value()).bind(5, p.targetTag().value())
        .bind(6, p.state().name().toLowerCase(Locale.ROOT)).bind(7, p.reason()).bind(8, p.at().toEpochMilli())
        .execute();
  }

  @Override
  public List<Promotion> promotions(Tx tx, long policyId, long before, int limit) {
    return tx.handle().createQuery("SELECT " + PROMOTION_COLUMNS + " FROM promotions WHERE policy_id = ? AND id < ? "
            + "ORDER BY id DESC LIMIT ?")
        .bind(0, policyId).bind(1, before).bind(2, limit).map(PROMOTION).list();
  }
}

package io.portcullis.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What happened; the wire name is what the audit log, logs and webhook payloads carry. */
public enum EventType {
  MANIFEST_PUSHED("manifest.pushed"),
  MANIFEST_PULLED("manifest.pulled"),
  MANIFEST_DELETED("manifest.deleted"),
  TAG_PUSHED("tag.pushed"),
  /** A manifest was pulled by tag; the pull also appends {@link #MANIFEST_PULLED}. */
  TAG_PULLED("tag.pulled"),
  TAG_DELETED("tag.deleted"),
  BLOB_MOUNTED("blob.mounted"),
  BLOB_DELETED("blob.deleted"),
  REPOSITORY_CREATED("repository.created"),
  REPOSITORY_UPDATED("repository.updated"),
  /** A whole repository (manifests, tags, blob links) was deleted; its blobs stay for garbage collection. */
  REPOSITORY_DELETED("repository.deleted"),
  SCAN_SUCCEEDED("scan.succeeded"),
  SCAN_FAILED("scan.failed"),
  /** A stored image's findings changed after a vulnerability database import (the re-match). */
  VULNERABILITIES_CHANGED("vulnerabilities.changed"),
  MIRROR_CREATED("mirror.created"),
  MIRROR_UPDATED("mirror.updated"),
  MIRROR_DELETED("mirror.deleted"),
  /** A pull mirror run copied an image (a tag new or changed upstream) into its target repository. */
  IMAGE_MIRRORED("image.mirrored"),
  /** A push mirror run copied an image (a local tag new or changed) to its remote registry. */
  IMAGE_PUSHED_TO_MIRROR("image.pushed_to_mirror"),
  MIRROR_RUN_FAILED("mirror.run_failed"),
  /** A push took a namespace's stored bytes past its quota's warning threshold. */
  QUOTA_WARNING("quota.warning"),
  QUOTA_SET("quota.set"),
  QUOTA_REMOVED("quota.removed"),
  /** A garbage collection run (or dry run) finished; the detail has what it freed. */
  GC_COMPLETED("gc.completed"),
  CACHE_CREATED("cache.created"),
  CACHE_UPDATED("cache.updated"),
  CACHE_DELETED("cache.deleted"),
  /** A pull-through cache stored an image fetched from an upstream (its manifest and everything it needs). */
  IMAGE_CACHED("image.cached"),
  /** A repository's pruning policy removed a tag (which also records {@code tag.deleted}). */
  TAG_PRUNED("tag.pruned"),
  RETENTION_SET("retention.set"),
  RETENTION_REMOVED("retention.removed"),
  /** A re-match found vulnerabilities new to a stored image; the detail names them ({@code found}). */
  VULNERABILITY_FOUND("vulnerability.found"),
  /** A promotion policy copied an image into its target repository; the detail names the policy. */
  IMAGE_PROMOTED("image.promoted"),
  /** A promotion policy's image passed but could not be copied (target tag immutable, permission lost). */
  PROMOTION_REFUSED("promotion.refused"),
  POLICY_CREATED("policy.created"),
  POLICY_UPDATED("policy.updated"),
  POLICY_DELETED("policy.deleted"),
  IMMUTABILITY_RULE_CREATED("immutability_rule.created"),
  IMMUTABILITY_RULE_DELETED("immutability_rule.deleted"),

  USER_CREATED("user.created"),
  USER_UPDATED("user.updated"),
  USER_PASSWORD_CHANGED("user.password_changed"),
  USER_ADMIN_GRANTED("user.admin_granted"),
  USER_ADMIN_REVOKED("user.admin_revoked"),
  USER_DISABLED("user.disabled"),
  USER_ENABLED("user.enabled"),
  TOKEN_CREATED("token.created"),
  TOKEN_REVOKED("token.revoked"),
  TOKEN_DELETED("token.deleted"),
  ROBOT_CREATED("robot.created"),
  ROBOT_SECRET_ROTATED("robot.secret_rotated"),
  ROBOT_DISABLED("robot.disabled"),
  ROBOT_ENABLED("robot.enabled"),
  ROBOT_DELETED("robot.deleted"),
  ROBOT_GRANT_CHANGED("robot.grant_changed"),
  ORGANIZATION_CREATED("organization.created"),
  ORGANIZATION_UPDATED("organization.updated"),
  ORGANIZATION_DELETED("organization.deleted"),
  ORGANIZATION_ADMIN_ADDED("organization.admin_added"),
  ORGANIZATION_ADMIN_REMOVED("organization.admin_removed"),
  TEAM_CREATED("team.created"),
  TEAM_UPDATED("team.updated"),
  TEAM_DELETED("team.deleted"),
  TEAM_MEMBER_ADDED("team.member_added"),
  TEAM_MEMBER_REMOVED("team.member_removed"),
  TEAM_GROUP_MAPPED("team.group_mapped"),
  TEAM_GROUP_UNMAPPED("team.group_unmapped"),
  /** A team or user was given (or changed) a permission level on a repository. */
  PERMISSION_GRANTED("permission.granted"),
  PERMISSION_REVOKED("permission.revoked"),

  WEBHOOK_CREATED("webhook.created"),
  WEBHOOK_UPDATED("webhook.updated"),
  WEBHOOK_DELETED("webhook.deleted"),
  WEBHOOK_SECRET_ROTATED("webhook.secret_rotated"),
  /** A webhook was switched off because its receiver kept failing (or answered 410 Gone); the reason is in the detail. */
  WEBHOOK_DISABLED("webhook.disabled"),
  /** The pull gate of a scope was set or changed; the detail has its rules. */
  PULL_GATE_SET("pull_gate.set"),
  PULL_GATE_DELETED("pull_gate.deleted"),
  /** A vulnerability was allowlisted (accepted risk); the detail has the id, package, expiry and justification. */
  ALLOWLIST_ENTRY_ADDED("allowlist.entry_added"),
  ALLOWLIST_ENTRY_REMOVED("allowlist.entry_removed");

  private static final Map<String, EventType> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Optional.ofNullable(BY_WIRE_NAME.get(name));
  }

  /** Reads change no state: they are appended in batches after the answer, never in a transaction of their own. */
  public boolean isRead() {
    return this == MANIFEST_PULLED || this == TAG_PULLED;
  }
}

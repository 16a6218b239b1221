package io.portcullis.events;

import java.time.Instant;

/**
 * Something that happened in the registry, published only after the change it reports committed.
 *
 * @param type       what happened
 * @param repository repository name
 * @param digest     manifest or blob digest, when one is involved
 * @param tag        tag, when one is involved
 * @param mediaType  media type of the manifest or blob, when known
 * @param actor      principal name
 * @param client     client address
 * @param requestId  the request that caused it
 * @param at         when it committed
 */
public record RegistryEvent(
    Type type,
    String repository,
    String digest,
    String tag,
    String mediaType,
    String actor,
    String client,
    String requestId,
    Instant at) {

  public enum Type {
    MANIFEST_PUSHED("manifest.pushed"),
    MANIFEST_PULLED("manifest.pulled"),
    MANIFEST_DELETED("manifest.deleted"),
    TAG_PUSHED("tag.pushed"),
    TAG_DELETED("tag.deleted"),
    BLOB_MOUNTED("blob.mounted"),
    BLOB_DELETED("blob.deleted"),
    /** A whole repository (manifests, tags, blob links) was deleted; its blobs stay for garbage collection. */
    REPOSITORY_DELETED("repository.deleted"),
    SCAN_SUCCEEDED("scan.succeeded"),
    SCAN_FAILED("scan.failed"),
    VULNERABILITIES_CHANGED("vulnerabilities.changed");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    /** The name used in the audit log, logs and webhook payloads. */
    public String wireName() {
      return wireName;
    }

    /** Reads do not change state; their subscribers may batch or sample them. */
    public boolean isRead() {
      return this == MANIFEST_PULLED;
    }
  }
}

package io.portcullis.webhooks;

import io.portcullis.events.EventType;
import java.util.EnumSet;
import java.util.Set;

/** Which event types webhooks can receive (docs/webhooks.md lists which the registry emits today). */
public final class WebhookEvents {
  /** What a subscription may select: repository content, scans, mirror runs, cached images, and webhooks switched off. */
  public static final Set<EventType> DELIVERABLE = Set.copyOf(EnumSet.of(EventType.TAG_PUSHED, EventType.TAG_PULLED,
      EventType.TAG_DELETED, EventType.MANIFEST_PUSHED, EventType.MANIFEST_PULLED, EventType.MANIFEST_DELETED,
      EventType.REPOSITORY_CREATED, EventType.REPOSITORY_UPDATED, EventType.REPOSITORY_DELETED,
      EventType.SCAN_SUCCEEDED, EventType.SCAN_FAILED, EventType.VULNERABILITIES_CHANGED,
      EventType.VULNERABILITY_FOUND, EventType.IMAGE_PROMOTED, EventType.PROMOTION_REFUSED, EventType.IMAGE_MIRRORED,
      EventType.IMAGE_PUSHED_TO_MIRROR, EventType.MIRROR_RUN_FAILED, EventType.IMAGE_CACHED,
      EventType.TAG_PRUNED, EventType.QUOTA_WARNING, EventType.WEBHOOK_DISABLED));

  /** The type of a test delivery ({@code POST …/ping}); it is no event of the log. */
  public static final String PING = "webhook.ping";

  private WebhookEvents() {}
}

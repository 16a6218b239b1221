package io.portcullis.webhooks;

import java.time.Duration;

/**
 * How deliveries are made (the {@code webhooks.*} settings of docs/configuration.md).
 *
 * @param timeout       to connect, and then to have the answer
 * @param retryHorizon  how long a failing delivery is retried before it is given up; a webhook whose
 *                      every attempt failed for this long is disabled
 * @param secretOverlap how long the previous secret keeps signing after a rotation, unless the rotation says
 * @param concurrency   deliveries sent at once by this replica
 * @param retention     how long finished deliveries stay in the delivery log
 * @param source        who sends, for CloudEvents' {@code source}: the registry's public URL or a name
 */
public record WebhookSettings(Duration timeout, Duration retryHorizon, Duration secretOverlap, int concurrency,
    Duration retention, String source) {

  public WebhookSettings {
    if (concurrency < 1) {
      throw new IllegalArgumentException("webhook concurrency must be at least 1");
    }
  }
}

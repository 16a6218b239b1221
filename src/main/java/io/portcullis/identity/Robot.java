package io.portcullis.identity;

import java.time.Instant;

/**
 * A robot account for CI: owned by an organization, logs in as {@code name} ({@code org+robot}) with a
 * generated secret, and holds only its explicit grants (plus pulling public repositories).
 *
 * @param expiresAt when its secret stops working, or null for never
 */
public record Robot(String name, String organization, String description, Instant expiresAt, boolean disabled,
    Instant createdAt, Instant lastUsedAt) {}

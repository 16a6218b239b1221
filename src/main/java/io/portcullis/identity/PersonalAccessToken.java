package io.portcullis.identity;

import java.time.Instant;

/**
 * A personal access token as listed (never with its secret).
 *
 * @param id        public identifier, also embedded in the token itself
 * @param expiresAt when it stops working, or null for never
 * @param revokedAt when it was revoked, or null
 */
public record PersonalAccessToken(String id, String owner, String name, TokenScope scope, Instant createdAt,
    Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {}

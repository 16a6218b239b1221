package io.portcullis.identity;

import java.time.Instant;

/** An organization: a namespace ({@code acme/app}) with admins and teams. */
public record Organization(String name, String description, Instant createdAt) {}

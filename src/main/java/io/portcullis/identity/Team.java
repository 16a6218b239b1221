package io.portcullis.identity;

import java.time.Instant;

/** A team of an organization; names are unique within the organization. */
public record Team(String organization, String name, String description, Instant createdAt) {}

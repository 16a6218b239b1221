package io.portcullis.identity;

import java.time.Instant;

/** The access-related settings of a stored repository. */
public record RepositoryInfo(String name, Visibility visibility, String description, Instant createdAt) {}

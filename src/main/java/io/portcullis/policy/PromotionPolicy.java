package io.portcullis.policy;

import io.portcullis.auth.Principal;
import io.portcullis.shared.RepositoryScope;
import java.time.Instant;

/**
 * A promotion policy on a source repository or namespace. Policies of a source are evaluated in
 * {@code position} order and each one whose criteria hold promotes. {@code owner} is who created or
 * last changed it: every promotion needs the owner's read on the source and write on the target.
 */
public record PromotionPolicy(long id, RepositoryScope source, int position, String name, boolean enabled,
    PolicyDefinition definition, Principal owner, Instant createdAt, Instant updatedAt) {}

/**
 * Identity and access control: users, organizations, teams, per-repository permissions, robot accounts
 * and personal access tokens, kept through store interfaces ({@link io.portcullis.identity.IdentityStores})
 * that {@code io.portcullis.identity.jdbc} implements over the metadata database.
 * {@link io.portcullis.identity.Identity} wires the services, the {@link io.portcullis.identity.IdentityAccessController} the token service
 * consults and the {@link io.portcullis.identity.DirectoryCredentials} the token endpoint checks. No HTTP
 * here; failures are {@link io.portcullis.identity.IdentityException} subclasses. See docs/identity.md.
 */
package io.portcullis.identity;

/**
 * Storage of small secrets (signing keys, password hashes, upstream credentials): a {@link
 * io.portcullis.auth.secret.SecretStore} port with file-system and in-memory implementations, and
 * {@link io.portcullis.auth.secret.SecretBox}, which encrypts values before they are stored.
 */
package io.portcullis.auth.secret;

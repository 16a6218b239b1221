/**
 * Authentication and authorisation core of Portcullis, following the Docker Registry token
 * authentication protocol.
 *
 * <p>This package holds the vocabulary shared by every part of the registry: what is asked for
 * ({@link io.portcullis.auth.ResourceScope}, parsed by {@link io.portcullis.auth.ScopeParser}), who
 * asks ({@link io.portcullis.auth.Principal}) and who decides ({@link
 * io.portcullis.auth.AccessController}). Tokens live in {@code io.portcullis.auth.token}, password
 * checks and brute-force protection in {@code io.portcullis.auth.login}, encrypted secret storage in
 * {@code io.portcullis.auth.secret}. Nothing here speaks HTTP: the web edge parses headers and calls in.
 */
package io.portcullis.auth;

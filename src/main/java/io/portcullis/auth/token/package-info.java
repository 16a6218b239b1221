/**
 * Docker registry bearer tokens: {@link io.portcullis.auth.token.TokenService} issues ES256-signed JWTs
 * carrying the granted {@code access} and verifies them on every registry request;
 * {@link io.portcullis.auth.token.SigningKeys} keeps the signing key pair, encrypted at rest, with the
 * previous key still trusted during rotation.
 */
package io.portcullis.auth.token;

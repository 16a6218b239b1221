/**
 * OpenID Connect login: {@link io.portcullis.identity.oidc.OidcClient} runs the authorization-code
 * flow with PKCE against a provider found by discovery, validates ID tokens against the provider's
 * keys, and accepts provider access tokens from command-line clients. Configured with {@link
 * io.portcullis.identity.oidc.OidcSettings}; every failure is a subclass of {@link
 * io.portcullis.identity.oidc.OidcException}.
 */
package io.portcullis.identity.oidc;

/**
 * The client of upstream registries that mirrors copy from: the Distribution API over HTTP(S) with
 * Docker token and Basic authentication, Docker Hub's naming, retries with backoff, rate-limit
 * budgets, resumable blob reads and digest-checked manifests. The only HTTP client code of the
 * mirror domain; it knows nothing of the local registry.
 */
package io.portcullis.mirror.upstream;

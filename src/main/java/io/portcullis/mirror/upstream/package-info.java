/**
 * The client of the registries mirrors copy from and push to: the Distribution API over HTTP(S) with
 * Docker token and Basic authentication, Docker Hub's naming, retries with backoff, rate-limit
 * budgets, resumable blob reads, digest-checked manifests, the catalog, and the writes of push mirrors
 * (blob HEAD, cross-repository mount, streamed monolithic upload, manifest PUT). The only HTTP client code of the
 * mirror domain; it knows nothing of the local registry.
 */
package io.portcullis.mirror.upstream;

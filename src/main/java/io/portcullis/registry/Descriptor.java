package io.portcullis.registry;

import io.portcullis.shared.Digest;

/** A content descriptor inside a manifest: what it points at and how big it is. */
public record Descriptor(String mediaType, Digest digest, long size, boolean foreign) {}

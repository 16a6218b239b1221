package io.portcullis.storage;

import io.portcullis.shared.Digest;

/** A blob's bytes as the store lists them: digest, size and when they were last written (epoch millis). */
public record StoredBlob(Digest digest, long size, long modifiedAt) {}

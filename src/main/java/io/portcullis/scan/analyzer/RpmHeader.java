package io.portcullis.scan.analyzer;

import java.util.Optional;

/**
 * An rpm header blob as the rpm database stores it (no lead, no header magic): index count and data
 * length (big-endian), then 16-byte index entries (tag, type, offset, count), then the data store.
 */
final class RpmHeader {

  static final int NAME = 1000;
  static final int VERSION = 1001;
  static final int RELEASE = 1002;
  static final int EPOCH = 1003;
  static final int LICENSE = 1014;
  static final int ARCH = 1022;
  static final int SOURCERPM = 1044;

  private static final int TYPE_INT32 = 4;
  private static final int TYPE_STRING = 6;
  private static final int TYPE_STRING_ARRAY = 8;
  private static final int TYPE_I18NSTRING = 9;
  /** rpm's own ceiling on index entries (hdrchkTags). */
  private static final long MAX_TAGS = 0xffff;
  /** rpm's own ceiling on the data store (hdrchkData). */
  private static final long MAX_DATA = 256L * 1024 * 1024;

  private final BinaryReader reader;
  private final long indexCount;
  private final long dataStart;
  private final long dataLength;

  private RpmHeader(BinaryReader reader, long indexCount, long dataLength) {
    this.reader = reader;
    this.indexCount = indexCount;
    this.dataStart = 8 + indexCount * 16;
    this.dataLength = dataLength;
  }

  static RpmHeader parse(byte[] blob) throws MalformedContentException {
    BinaryReader reader = new BinaryReader(blob, true, "rpm header");
    long indexCount = reader.u32(0);
    long dataLength = reader.u32(4);
    if (indexCount == 0 || indexCount > MAX_TAGS || dataLength > MAX_DATA) {
      throw new MalformedContentException("rpm header: implausible " + indexCount + " tags / " + dataLength
          + " data bytes");
    }
    reader.require(8, indexCount * 16 + dataLength);
    return new RpmHeader(reader, indexCount, dataLength);
  }

  Optional<String> string(int tag) throws MalformedContentException {
    for (long i = 0; i < indexCount; i++) {
      long entry = 8 + i * 16;
      if (reader.u32(entry) != tag) {
        continue;
      }
      long type = reader.u32(entry + 4);
      if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING) {
        throw new MalformedContentException("rpm header: tag " + tag + " has type " + type);
      }
      long offset = reader.u32(entry + 8);
      if (offset >= dataLength) {
        throw new MalformedContentException("rpm header: tag " + tag + " points past the data store");
      }
      return Optional.of(reader.cString(dataStart + offset, dataStart + dataLength));
    }
    return Optional.empty();
  }

  Optional<Long> int32(int tag) throws MalformedContentException {
    for (long i = 0; i < indexCount; i++) {
      long entry = 8 + i * 16;
      if (reader.u32(entry) != tag) {
        continue;
      }
      long offset = reader.u32(entry + 8);
      if (reader.u32(entry + 4) != TYPE_INT32 || offset + 4 > dataLength) {
        throw new MalformedContentException("rpm header: tag " + tag + " is not an in-bounds INT32");
      }
      return Optional.of(reader.u32(dataStart + offset));
    }
    return Optional.empty();
  }
}

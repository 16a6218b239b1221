package io.portcullis.scan.analyzer;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads of integers and strings from an untrusted byte array. Every read either stays
 * inside {@code [0, data.length)} or throws {@link MalformedContentException} naming the structure.
 */
final class BinaryReader {

  private final byte[] data;
  private final boolean bigEndian;
  private final String what;

  BinaryReader(byte[] data, boolean bigEndian, String what) {
    this.data = data;
    this.bigEndian = bigEndian;
    this.what = what;
  }

  int length() {
    return data.length;
  }

  BinaryReader withByteOrder(boolean newBigEndian) {
    return new BinaryReader(data, newBigEndian, what);
  }

  void require(long offset, long length) throws MalformedContentException {
    if (offset < 0 || length < 0 || offset + length > data.length) {
      throw new MalformedContentException(what + ": " + length + " bytes at offset " + offset
          + " lie outside its " + data.length + " bytes");
    }
  }

  int u8(long offset) throws MalformedContentException {
    require(offset, 1);
    return data[(int) offset] & 0xff;
  }

  int u16(long offset) throws MalformedContentException {
    require(offset, 2);
    int a = data[(int) offset] & 0xff;
    int b = data[(int) offset + 1] & 0xff;
    return bigEndian ? (a << 8) | b : (b << 8) | a;
  }

  long u32(long offset) throws MalformedContentException {
    require(offset, 4);
    long value = 0;
    for (int i = 0; i < 4; i++) {
      int shift = bigEndian ? (3 - i) * 8 : i * 8;
      value |= (long) (data[(int) offset + i] & 0xff) << shift;
    }
    return value;
  }

  /** Unsigned 64-bit value; values above {@link Long#MAX_VALUE} are rejected as no offset can be that big. */
  long u64(long offset) throws MalformedContentException {
    require(offset, 8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      int shift = bigEndian ? (7 - i) * 8 : i * 8;
      value |= (long) (data[(int) offset + i] & 0xff) << shift;
    }
    if (value < 0) {
      throw new MalformedContentException(what + ": 64-bit value at " + offset + " out of range");
    }
    return value;
  }

  /** Pointer-sized value: 4 or 8 bytes. */
  long word(long offset, int size) throws MalformedContentException {
    return size == 8 ? u64(offset) : u32(offset);
  }

  byte[] bytes(long offset, long length) throws MalformedContentException {
    require(offset, length);
    byte[] copy = new byte[(int) length];
    System.arraycopy(data, (int) offset, copy, 0, (int) length);
    return copy;
  }

  /** NUL-terminated string starting at {@code offset}, not extending past {@code end}. */
  String cString(long offset, long end) throws MalformedContentException {
    require(offset, 0);
    long limit = Math.min(end, data.length);
    for (long i = offset; i < limit; i++) {
      if (data[(int) i] == 0) {
        return new String(data, (int) offset, (int) (i - offset), StandardCharsets.UTF_8);
      }
    }
    throw new MalformedContentException(what + ": unterminated string at offset " + offset);
  }

  boolean startsWith(long offset, byte[] prefix) {
    if (offset < 0 || offset + prefix.length > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[(int) offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}

package io.portcullis.scan.analyzer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds minimal 64-bit little-endian ELF executables: header, one PT_LOAD segment mapping the whole
 * file at {@link #BASE}, the given sections, a section name table and the section headers.
 */
final class TestElf {

  static final long BASE = 0x400000;
  private static final int HEADER = 64;
  private static final int PROGRAM_HEADER = 56;
  private static final int SECTION_HEADER = 64;

  private final List<String> names = new ArrayList<>();
  private final List<byte[]> contents = new ArrayList<>();
  private int end = HEADER + PROGRAM_HEADER;

  /** Virtual address the next added section will get (sections are laid out in order, 16-aligned). */
  long nextAddress() {
    return BASE + align(end);
  }

  TestElf section(String name, byte[] content) {
    end = align(end) + content.length;
    names.add(name);
    contents.add(content);
    return this;
  }

  byte[] build() {
    ByteArrayBuilder names = new ByteArrayBuilder();
    names.add(new byte[] {0});
    List<Integer> nameOffsets = new ArrayList<>();
    for (String name : this.names) {
      nameOffsets.add(names.size());
      names.add((name + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    int shstrtabName = names.size();
    names.add(".shstrtab\0".getBytes(StandardCharsets.US_ASCII));
    int stringsOffset = align(end);
    int sectionHeaders = align(stringsOffset + names.size());
    int sectionCount = contents.size() + 2;
    int size = sectionHeaders + sectionCount * SECTION_HEADER;
    ByteBuffer elf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    elf.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
    elf.putLong(24, BASE).putLong(32, HEADER).putLong(40, sectionHeaders);
    elf.putShort(52, (short) HEADER).putShort(54, (short) PROGRAM_HEADER).putShort(56, (short) 1);
    elf.putShort(58, (short) SECTION_HEADER).putShort(60, (short) sectionCount).putShort(62, (short) (sectionCount - 1));
    elf.putInt(HEADER, 1).putInt(HEADER + 4, 5).putLong(HEADER + 8, 0).putLong(HEADER + 16, BASE)
        .putLong(HEADER + 24, BASE).putLong(HEADER + 32, size).putLong(HEADER + 40, size).putLong(HEADER + 48, 4096);
    int offset = HEADER + PROGRAM_HEADER;
    for (int i = 0; i < contents.size(); i++) {
      offset = align(offset);
      elf.put(offset, contents.get(i));
      sectionHeader(elf, sectionHeaders + (i + 1) * SECTION_HEADER, nameOffsets.get(i), 1, BASE + offset, offset,
          contents.get(i).length);
      offset += contents.get(i).length;
    }
    elf.put(stringsOffset, names.toArray());
    sectionHeader(elf, sectionHeaders + (sectionCount - 1) * SECTION_HEADER, shstrtabName, 3, 0, stringsOffset,
        names.size());
    return elf.array();
  }

  private static void sectionHeader(ByteBuffer elf, int at, int name, int type, long address, long offset, long size) {
    elf.putInt(at, name).putInt(at + 4, type).putLong(at + 16, address).putLong(at + 24, offset).putLong(at + 32, size);
  }

  private static int align(int value) {
    return (value + 15) & ~15;
  }

  /** Growable byte array. */
  private static final class ByteArrayBuilder {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    void add(byte[] bytes) {
      out.writeBytes(bytes);
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }
}

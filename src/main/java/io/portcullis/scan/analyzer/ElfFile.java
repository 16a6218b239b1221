package io.portcullis.scan.analyzer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of an ELF executable the binary analyzers need: named sections and the mapping of virtual
 * addresses to file offsets through PT_LOAD segments. 32/64-bit, either byte order; all offsets
 * bounds-checked against the file.
 */
final class ElfFile {

  private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
  private static final long SHT_NOBITS = 8;
  private static final long PT_LOAD = 1;
  private static final int MAX_HEADERS = 65535;

  record Section(String name, long address, long offset, long size, boolean hasData) {}

  private record Segment(long virtualAddress, long offset, long fileSize) {}

  private final BinaryReader reader;
  private final List<Section> sections;
  private final List<Segment> segments;

  private ElfFile(BinaryReader reader, List<Section> sections, List<Segment> segments) {
    this.reader = reader;
    this.sections = sections;
    this.segments = segments;
  }

  static boolean isElf(byte[] data) {
    return new BinaryReader(data, false, "elf").startsWith(0, MAGIC);
  }

  static ElfFile parse(byte[] data, String what) throws MalformedContentException {
    BinaryReader probe = new BinaryReader(data, false, what);
    if (!probe.startsWith(0, MAGIC)) {
      throw new MalformedContentException(what + ": not an ELF file");
    }
    int elfClass = probe.u8(4);
    int encoding = probe.u8(5);
    if ((elfClass != 1 && elfClass != 2) || (encoding != 1 && encoding != 2)) {
      throw new MalformedContentException(what + ": unknown ELF class/encoding " + elfClass + "/" + encoding);
    }
    boolean is64 = elfClass == 2;
    BinaryReader reader = probe.withByteOrder(encoding == 2);
    int wordSize = is64 ? 8 : 4;
    long programOffset = reader.word(is64 ? 0x20 : 0x1c, wordSize);
    long sectionOffset = reader.word(is64 ? 0x28 : 0x20, wordSize);
    int programEntrySize = reader.u16(is64 ? 0x36 : 0x2a);
    int programCount = reader.u16(is64 ? 0x38 : 0x2c);
    int sectionEntrySize = reader.u16(is64 ? 0x3a : 0x2e);
    int sectionCount = reader.u16(is64 ? 0x3c : 0x30);
    int namesIndex = reader.u16(is64 ? 0x3e : 0x32);

    List<Segment> segments = new ArrayList<>();
    if (programOffset != 0 && programCount <= MAX_HEADERS) {
      reader.require(programOffset, (long) programEntrySize * programCount);
      for (int i = 0; i < programCount; i++) {
        long entry = programOffset + (long) i * programEntrySize;
        if (reader.u32(entry) != PT_LOAD) {
          continue;
        }
        segments.add(is64
            ? new Segment(reader.u64(entry + 16), reader.u64(entry + 8), reader.u64(entry + 32))
            : new Segment(reader.u32(entry + 8), reader.u32(entry + 4), reader.u32(entry + 16)));
      }
    }

    List<Section> sections = new ArrayList<>();
    if (sectionOffset != 0 && sectionCount > 0 && namesIndex < sectionCount) {
      reader.require(sectionOffset, (long) sectionEntrySize * sectionCount);
      long[][] raw = new long[sectionCount][];
      for (int i = 0; i < sectionCount; i++) {
        long entry = sectionOffset + (long) i * sectionEntrySize;
        raw[i] = is64
            ? new long[] {reader.u32(entry), reader.u32(entry + 4), reader.u64(entry + 16), reader.u64(entry + 24),
                reader.u64(entry + 32)}
            : new long[] {reader.u32(entry), reader.u32(entry + 4), reader.u32(entry + 12), reader.u32(entry + 16),
                reader.u32(entry + 20)};
      }
      long namesOffset = raw[namesIndex][3];
      long namesSize = raw[namesIndex][4];
      reader.require(namesOffset, namesSize);
      for (long[] section : raw) {
        if (section[0] >= namesSize) {
          continue;
        }
        String name = reader.cString(namesOffset + section[0], namesOffset + namesSize);
        sections.add(new Section(name, section[2], section[3], section[4], section[1] != SHT_NOBITS));
      }
    }
    return new ElfFile(reader, sections, segments);
  }

  BinaryReader reader() {
    return reader;
  }

  Optional<Section> section(String name) {
    return sections.stream().filter(section -> section.name().equals(name) && section.hasData()).findFirst();
  }

  byte[] sectionData(Section section) throws MalformedContentException {
    return reader.bytes(section.offset(), section.size());
  }

  /** The file offset holding virtual address {@code address} with {@code length} bytes readable there. */
  long fileOffset(long address, long length) throws MalformedContentException {
    for (Segment segment : segments) {
      if (address >= segment.virtualAddress() && length >= 0
          && address - segment.virtualAddress() + length <= segment.fileSize()) {
        long offset = segment.offset() + (address - segment.virtualAddress());
        reader.require(offset, length);
        return offset;
      }
    }
    throw new MalformedContentException("ELF: address 0x" + Long.toHexString(address) + " (+" + length
        + ") is not in a loaded segment");
  }
}

package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Go modules compiled into ELF executables, from the build information the Go linker embeds: a 32-byte
 * header starting {@code \xff Go buildinf:} (in section {@code .go.buildinfo}, or 16-byte aligned in the
 * file when sections are stripped). Go ≥ 1.18 stores the version and module strings inline
 * (varint-length prefixed, flag bit 2); older binaries store pointers to Go string headers, resolved
 * through the program headers. Reports the main module (unless built as {@code (devel)}), every
 * {@code dep} (honouring {@code =>} replacements) and the standard library as {@code stdlib} with the
 * toolchain version.
 */
public final class GoBinaryAnalyzer implements PackageAnalyzer {

  static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  private static final int HEADER = 32;
  private static final int FLAG_BIG_ENDIAN = 1;
  private static final int FLAG_INLINE = 2;
  private static final int SENTINEL = 16;
  /** Module info beyond this is not build information any real binary carries. */
  private static final long MAX_STRING = 4L * 1024 * 1024;

  @Override
  public boolean wants(LayerEntry entry) {
    return entry.isExecutable() && entry.size() > HEADER;
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    byte[] data = file.bytes();
    if (!ElfFile.isElf(data)) {
      return;
    }
    ElfFile elf = ElfFile.parse(data, file.path());
    long header = elf.section(".go.buildinfo").map(ElfFile.Section::offset).orElseGet(() -> find(data));
    if (header < 0 || !elf.reader().startsWith(header, MAGIC)) {
      return; // not a Go binary
    }
    String[] info = readBuildInfo(elf, header, file.path());
    report(info[0], info[1], file.path(), findings);
  }

  private static long find(byte[] data) {
    BinaryReader reader = new BinaryReader(data, false, "binary");
    for (long offset = 0; offset + HEADER <= data.length; offset += 16) {
      if (data[(int) offset] == MAGIC[0] && reader.startsWith(offset, MAGIC)) {
        return offset;
      }
    }
    return -1;
  }

  /** {goVersion, modInfo}. */
  static String[] readBuildInfo(ElfFile elf, long header, String what) throws MalformedContentException {
    BinaryReader reader = elf.reader();
    int pointerSize = reader.u8(header + 14);
    int flags = reader.u8(header + 15);
    if ((flags & FLAG_INLINE) != 0) {
      long[] cursor = {header + HEADER};
      String version = varintString(reader, cursor, what);
      String modInfo = varintString(reader, cursor, what);
      return new String[] {version, stripSentinels(modInfo)};
    }
    if (pointerSize != 4 && pointerSize != 8) {
      throw new MalformedContentException(what + ": Go build info pointer size " + pointerSize);
    }
    BinaryReader ordered = reader.withByteOrder((flags & FLAG_BIG_ENDIAN) != 0);
    String version = goString(elf, ordered, ordered.word(header + 16, pointerSize), pointerSize, what);
    String modInfo = goString(elf, ordered, ordered.word(header + 16 + pointerSize, pointerSize), pointerSize, what);
    return new String[] {version, stripSentinels(modInfo)};
  }

  private static String varintString(BinaryReader reader, long[] cursor, String what)
      throws MalformedContentException {
    long length = 0;
    int shift = 0;
    while (true) {
      int b = reader.u8(cursor[0]++);
      length |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw new MalformedContentException(what + ": Go build info length varint too long");
      }
    }
    if (length > MAX_STRING) {
      throw new MalformedContentException(what + ": Go build info string of " + length + " bytes");
    }
    String value = new String(reader.bytes(cursor[0], length), StandardCharsets.UTF_8);
    cursor[0] += length;
    return value;
  }

  /** A Go string header {data pointer, length} at virtual address {@code address}. */
  private static String goString(ElfFile elf, BinaryReader reader, long address, int pointerSize, String what)
      throws MalformedContentException {
    long headerOffset = elf.fileOffset(address, 2L * pointerSize);
    long dataAddress = reader.word(headerOffset, pointerSize);
    long length = reader.word(headerOffset + pointerSize, pointerSize);
    if (length > MAX_STRING) {
      throw new MalformedContentException(what + ": Go build info string of " + length + " bytes");
    }
    if (length == 0) {
      return "";
    }
    return new String(reader.bytes(elf.fileOffset(dataAddress, length), length), StandardCharsets.UTF_8);
  }

  /** cmd/go frames the module info with 16 marker bytes on each side. */
  private static String stripSentinels(String modInfo) {
    if (modInfo.length() >= 2 * SENTINEL + 1 && modInfo.charAt(modInfo.length() - SENTINEL - 1) == '\n') {
      return modInfo.substring(SENTINEL, modInfo.length() - SENTINEL);
    }
    return modInfo;
  }

  private static void report(String goVersion, String modInfo, String path, Findings findings) {
    List<String[]> modules = new ArrayList<>();
    for (String line : modInfo.split("\n")) {
      String[] fields = line.split("\t", -1);
      switch (fields[0]) {
        case "mod", "dep" -> {
          if (fields.length >= 3) {
            modules.add(new String[] {fields[1], fields[2], fields[0]});
          }
        }
        case "=>" -> {
          if (fields.length >= 3 && !modules.isEmpty() && !fields[2].isEmpty()) {
            String kind = modules.getLast()[2];
            modules.set(modules.size() - 1, new String[] {fields[1], fields[2], kind});
          }
        }
        default -> { }
      }
    }
    for (String[] module : modules) {
      if (module[1].isEmpty() || module[1].equals("(devel)")) {
        continue;
      }
      findings.add(goPackage(module[0], module[1], path));
    }
    String stdlib = stdlibVersion(goVersion);
    if (stdlib != null) {
      findings.add(goPackage("stdlib", stdlib, path));
    }
  }

  /** "go1.20.5" → "1.20.5"; "go1.22.0 X:boringcrypto" → "1.22.0"; development toolchains → null. */
  static String stdlibVersion(String goVersion) {
    if (!goVersion.startsWith("go") || goVersion.length() < 3 || !Character.isDigit(goVersion.charAt(2))) {
      return null;
    }
    int space = goVersion.indexOf(' ');
    return goVersion.substring(2, space < 0 ? goVersion.length() : space);
  }

  private static InstalledPackage goPackage(String module, String version, String path) {
    int slash = module.lastIndexOf('/');
    String purl = slash < 0 ? PackageUrls.of("golang", null, module, version)
        : PackageUrls.of("golang", module.substring(0, slash), module.substring(slash + 1), version);
    return new InstalledPackage("Go", module, version, null, null, purl, List.of(), path, null);
  }
}

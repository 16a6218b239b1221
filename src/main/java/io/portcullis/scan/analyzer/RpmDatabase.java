package io.portcullis.scan.analyzer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Properties;

/**
 * Extracts the package header blobs from the three rpm database formats, recognised by content:
 * SQLite ({@code rpmdb.sqlite}, rpm ≥ 4.16), NDB ({@code Packages.db}, SUSE) and Berkeley DB hash
 * ({@code Packages}, RHEL ≤ 8 / CentOS). The page readers are written for untrusted input: every
 * offset is bounds-checked and every page chain is limited to the number of pages in the file.
 */
final class RpmDatabase {

  private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final long NDB_MAGIC = 0x506d7052L; // "RpmP"
  private static final long NDB_SLOT_MAGIC = 0x746f6c53L; // "Slot"
  private static final long NDB_BLOB_MAGIC = 0x53626c42L; // "BlbS"
  private static final int NDB_PAGE = 4096;
  private static final int NDB_SLOT = 16;
  private static final int NDB_BLOCK = 16;
  private static final long BDB_HASH_MAGIC = 0x061561L;
  private static final int BDB_PAGE_HEADER = 26;
  private static final int BDB_P_HASH_UNSORTED = 2;
  private static final int BDB_P_OVERFLOW = 7;
  private static final int BDB_P_HASH = 13;
  private static final int BDB_H_KEYDATA = 1;
  private static final int BDB_H_OFFPAGE = 3;
  /** Smallest possible header blob: index count, data length, one index entry. */
  private static final int MIN_HEADER = 24;

  private RpmDatabase() {}

  static List<byte[]> headers(byte[] file) throws IOException {
    BinaryReader reader = new BinaryReader(file, false, "rpm database");
    if (reader.startsWith(0, SQLITE_MAGIC)) {
      return sqlite(file);
    }
    if (file.length >= 16 && reader.u32(0) == NDB_MAGIC) {
      return ndb(reader);
    }
    if (file.length >= 24 && (reader.u32(12) == BDB_HASH_MAGIC
        || reader.withByteOrder(true).u32(12) == BDB_HASH_MAGIC)) {
      return berkeleyHash(reader.u32(12) == BDB_HASH_MAGIC ? reader : reader.withByteOrder(true));
    }
    throw new MalformedContentException("not an rpm database (no SQLite, NDB or Berkeley DB hash magic)");
  }

  private static List<byte[]> sqlite(byte[] file) throws IOException {
    Path copy = Files.createTempFile("rpmdb", ".sqlite");
    try {
      Files.write(copy, file);
      Properties properties = new Properties();
      properties.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
      List<byte[]> blobs = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy, properties);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT blob FROM Packages")) {
        while (rows.next()) {
          blobs.add(rows.getBytes(1));
        }
      } catch (SQLException e) {
        throw new MalformedContentException("rpm sqlite database unreadable: " + e.getMessage(), e);
      }
      return blobs;
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /**
   * NDB: a 4 KiB-paged slot table (16-byte slots: magic, package index, block offset, block count; the
   * first two slots hold the file header) pointing at blobs in 16-byte blocks, each blob framed by a
   * header (magic, package index, generation, length). All little-endian.
   */
  private static List<byte[]> ndb(BinaryReader reader) throws MalformedContentException {
    if (reader.u32(4) != 0) {
      throw new MalformedContentException("rpm NDB: unsupported version " + reader.u32(4));
    }
    long slotPages = reader.u32(12);
    long slotBytes = slotPages * NDB_PAGE;
    if (slotPages == 0 || slotBytes > reader.length()) {
      throw new MalformedContentException("rpm NDB: " + slotPages + " slot pages do not fit the file");
    }
    List<byte[]> blobs = new ArrayList<>();
    for (long slot = 2 * NDB_SLOT; slot + NDB_SLOT <= slotBytes; slot += NDB_SLOT) {
      if (reader.u32(slot) != NDB_SLOT_MAGIC) {
        throw new MalformedContentException("rpm NDB: bad slot magic at " + slot);
      }
      long packageIndex = reader.u32(slot + 4);
      if (packageIndex == 0) {
        continue; // free slot
      }
      long blobOffset = reader.u32(slot + 8) * NDB_BLOCK;
      long blockBytes = reader.u32(slot + 12) * NDB_BLOCK;
      reader.require(blobOffset, blockBytes);
      if (reader.u32(blobOffset) != NDB_BLOB_MAGIC || reader.u32(blobOffset + 4) != packageIndex) {
        throw new MalformedContentException("rpm NDB: slot for package " + packageIndex
            + " does not point at its blob");
      }
      long length = reader.u32(blobOffset + 12);
      if (16 + length > blockBytes) {
        throw new MalformedContentException("rpm NDB: blob of package " + packageIndex
            + " overruns its blocks");
      }
      blobs.add(reader.bytes(blobOffset + 16, length));
    }
    return blobs;
  }

  /**
   * Berkeley DB hash: page 0 is the metadata page (magic at 12, page size at 20); hash pages hold
   * key/value item pairs through an offset array after the 26-byte page header; values too large for a
   * page live on a chain of overflow pages. Keys are package numbers; values are header blobs.
   */
  private static List<byte[]> berkeleyHash(BinaryReader reader) throws MalformedContentException {
    long pageSize = reader.u32(20);
    if (pageSize < 512 || pageSize > 65536 || Long.bitCount(pageSize) != 1) {
      throw new MalformedContentException("rpm Berkeley DB: invalid page size " + pageSize);
    }
    if (reader.u8(24) != 0) {
      throw new MalformedContentException("rpm Berkeley DB: encrypted database");
    }
    long pages = reader.length() / pageSize;
    List<byte[]> blobs = new ArrayList<>();
    for (long page = 1; page < pages; page++) {
      long base = page * pageSize;
      int type = reader.u8(base + 25);
      if (type != BDB_P_HASH && type != BDB_P_HASH_UNSORTED) {
        continue;
      }
      int entries = reader.u16(base + 20);
      if (BDB_PAGE_HEADER + 2L * entries > pageSize) {
        throw new MalformedContentException("rpm Berkeley DB: page " + page + " claims " + entries + " items");
      }
      for (int item = 1; item < entries; item += 2) {
        long offset = reader.u16(base + BDB_PAGE_HEADER + 2L * item);
        long previous = reader.u16(base + BDB_PAGE_HEADER + 2L * (item - 1));
        if (offset >= pageSize || previous > pageSize || previous <= offset) {
          throw new MalformedContentException("rpm Berkeley DB: item " + item + " of page " + page
              + " out of bounds");
        }
        int itemType = reader.u8(base + offset);
        byte[] value = switch (itemType) {
          case BDB_H_KEYDATA -> reader.bytes(base + offset + 1, previous - offset - 1);
          case BDB_H_OFFPAGE -> overflow(reader, pageSize, pages, reader.u32(base + offset + 4),
              reader.u32(base + offset + 8));
          default -> null;
        };
        if (value != null && value.length >= MIN_HEADER) {
          blobs.add(value); // shorter values are rpm's bookkeeping records, not headers
        }
      }
    }
    return blobs;
  }

  private static byte[] overflow(BinaryReader reader, long pageSize, long pages, long firstPage, long totalLength)
      throws MalformedContentException {
    if (totalLength > reader.length()) {
      throw new MalformedContentException("rpm Berkeley DB: overflow item longer than the file");
    }
    ByteArrayOutputStream value = new ByteArrayOutputStream((int) totalLength);
    BitSet visited = new BitSet();
    long page = firstPage;
    while (value.size() < totalLength) {
      if (page == 0 || page >= pages || visited.get((int) page)) {
        throw new MalformedContentException("rpm Berkeley DB: broken or looping overflow chain at page " + page);
      }
      visited.set((int) page);
      long base = page * pageSize;
      if (reader.u8(base + 25) != BDB_P_OVERFLOW) {
        throw new MalformedContentException("rpm Berkeley DB: page " + page + " is not an overflow page");
      }
      long length = Math.min(reader.u16(base + 22), totalLength - value.size());
      if (BDB_PAGE_HEADER + length > pageSize) {
        throw new MalformedContentException("rpm Berkeley DB: overflow page " + page + " overruns itself");
      }
      value.writeBytes(reader.bytes(base + BDB_PAGE_HEADER, length));
      page = reader.u32(base + 16);
    }
    return value.toByteArray();
  }
}

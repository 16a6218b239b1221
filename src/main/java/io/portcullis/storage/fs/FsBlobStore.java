package io.portcullis.storage.fs;

import io.portcullis.shared.Digest;
import io.portcullis.storage.BlobSource;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StagedUpload;
import io.portcullis.storage.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Blobs as files under {@code <root>/blobs/<alg>/<2 hex>/<hex>}, uploads under
 * {@code <root>/uploads/<id>}. Both live on one file system so promotion is an atomic rename; every
 * promotion is fsync'd (file, then directory) before it returns.
 */
public final class FsBlobStore implements BlobStore {
  private final Path blobs;
  private final Path uploads;

  public FsBlobStore(Path root) throws IOException {
    this.blobs = Files.createDirectories(root.resolve("blobs"));
    this.uploads = Files.createDirectories(root.resolve("uploads"));
  }

  Path pathOf(Digest digest) {
    return blobs.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
  }

  @Override
  public OptionalLong stat(Digest digest) throws IOException {
    try {
      return OptionalLong.of(Files.readAttributes(pathOf(digest), BasicFileAttributes.class).size());
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public BlobSource source(Digest digest, long size) {
    return new BlobSource.LocalFile(pathOf(digest), size);
  }

  @Override
  public StagedUpload staging(String uploadId, boolean create) throws IOException {
    Path path = uploads.resolve(requireSafeId(uploadId));
    if (!create && !Files.exists(path)) {
      throw new NoSuchFileException(path.toString());
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    return new FsStagedUpload(uploadId, path, channel);
  }

  @Override
  public void promote(StagedUpload upload, Digest digest) throws IOException {
    FsStagedUpload staged = (FsStagedUpload) upload;
    staged.close();
    Path target = pathOf(digest);
    if (Files.exists(target)) {
      Files.deleteIfExists(staged.path);
      return;
    }
    Path dir = Files.createDirectories(target.getParent());
    moveAtomically(staged.path, target);
    syncDirectory(dir);
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(from);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("blob store and upload area must be on one file system", e);
    }
  }

  @Override
  public void delete(Digest digest) throws IOException {
    Path path = pathOf(digest);
    if (Files.deleteIfExists(path)) {
      syncDirectory(path.getParent());
    }
  }

  @Override
  public Stream<StoredBlob> list() throws IOException {
    // blobs/<alg>/<2 hex>/<hex>; anything else under blobs/ is not a blob and is left alone.
    return Files.walk(blobs, 3).filter(path -> path.getNameCount() == blobs.getNameCount() + 3)
        .map(this::stored).filter(Objects::nonNull);
  }

  private StoredBlob stored(Path path) {
    try {
      Digest digest = Digest.parse(path.getParent().getParent().getFileName() + ":" + path.getFileName());
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return attributes.isRegularFile() && pathOf(digest).equals(path)
          ? new StoredBlob(digest, attributes.size(), attributes.lastModifiedTime().toMillis()) : null;
    } catch (NoSuchFileException | RuntimeException e) {
      // Deleted while listed, or a name no blob has.
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void checkWritable() throws IOException {
    Path probe = Files.createTempFile(uploads, ".probe-", "");
    try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {1}));
      channel.force(false);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  @Override
  public int purgeStaging(long olderThanMillis) throws IOException {
    long cutoff = System.currentTimeMillis() - olderThanMillis;
    int purged = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(uploads)) {
      for (Path entry : entries) {
        try {
          if (Files.getLastModifiedTime(entry).toMillis() < cutoff && Files.deleteIfExists(entry)) {
            purged++;
          }
        } catch (NoSuchFileException promoted) {
          // Completed (renamed into blobs/) or discarded since it was listed.
        }
      }
    }
    return purged;
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static String requireSafeId(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        throw new IllegalArgumentException("unsafe upload id");
      }
    }
    return id;
  }

  private static final class FsStagedUpload implements StagedUpload {
    private final String id;
    private final Path path;
    private final FileChannel channel;

    FsStagedUpload(String id, Path path, FileChannel channel) {
      this.id = id;
      this.path = path;
      this.channel = channel;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void write(ByteBuffer buffer) throws IOException {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public void sync() throws IOException {
      channel.force(false);
    }

    @Override
    public InputStream read() throws IOException {
      return Files.newInputStream(path);
    }

    @Override
    public void discard() throws IOException {
      close();
      Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}

package io.portcullis.auth.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A {@link SecretStore} keeping one file per secret in a directory.
 *
 * <p>A put writes a temporary file in the same directory, forces it to disk, renames it over the old
 * file in one atomic step and forces the directory, so a crash leaves either the old or the new value,
 * never a truncated one. On POSIX file systems the directory is readable by the owner only and files
 * are created with mode 0600. Temporary files start with a dot, which no secret name does.
 */
public final class FileSecretStore implements SecretStore {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path directory;

  /**
   * @param directory where the secrets live; created (owner-only on POSIX) if missing
   * @throws UncheckedIOException if it cannot be created
   */
  public FileSecretStore(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
    try {
      if (POSIX) {
        Files.createDirectories(this.directory, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(this.directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create secret directory " + this.directory, e);
    }
  }

  @Override
  public Optional<byte[]> get(String name) {
    Path file = directory.resolve(SecretStore.requireValidName(name));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > MAX_VALUE_BYTES) {
        throw new IllegalStateException(
            "secret file " + file + " has " + size + " bytes, more than " + MAX_VALUE_BYTES);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // keep reading until the whole file is in
      }
      return Optional.of(buffer.array());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret " + file, e);
    }
  }

  @Override
  public void put(String name, byte[] value) {
    Path target = directory.resolve(SecretStore.requireValidName(name));
    SecretStore.requireValidValue(value);
    Path temp = null;
    try {
      temp = Files.createTempFile(directory, "." + name + ".", ".tmp", ownerOnlyFile());
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      forceDirectory();
    } catch (AtomicMoveNotSupportedException e) {
      throw new UncheckedIOException("file system of " + directory + " cannot rename atomically", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write secret " + target, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private static FileAttribute<?>[] ownerOnlyFile() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  /** Makes the rename itself durable; only POSIX systems allow opening a directory for that. */
  private void forceDirectory() throws IOException {
    if (POSIX) {
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
      }
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the original failure is the one worth reporting; a stray dot-file is harmless
      }
    }
  }
}

package io.portcullis.auth.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSecretStoreTest {
  @TempDir Path temp;

  @Test
  void storesReplacesAndSurvivesANewInstance() {
    Path dir = temp.resolve("secrets");
    new FileSecretStore(dir).put("k", bytes("one"));
    new FileSecretStore(dir).put("k", bytes("two"));

    assertThat(new FileSecretStore(dir).get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("two")));
    assertThat(new FileSecretStore(dir).get("absent")).isEmpty();
  }

  @Test
  void leavesNoTemporaryFilesAndRestrictsPermissions() throws IOException {
    Path dir = temp.resolve("secrets");
    FileSecretStore store = new FileSecretStore(dir);
    store.put("token-signing-keys", bytes("sealed"));

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("token-signing-keys"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("token-signing-keys"))))
        .isEqualTo("rw-------");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "../escape", "a/b", "Upper", ".hidden", "-dash"})
  void rejectsNamesThatCouldEscapeOrCollide(String name) {
    FileSecretStore store = new FileSecretStore(temp);

    assertThatThrownBy(() -> store.put(name, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get(name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsOversizedValues() {
    FileSecretStore store = new FileSecretStore(temp);

    assertThatThrownBy(() -> store.put("big", new byte[SecretStore.MAX_VALUE_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void inMemoryStoreKeepsItsOwnCopies() {
    InMemorySecretStore store = new InMemorySecretStore();
    byte[] value = bytes("abc");
    store.put("k", value);
    value[0] = 'z';
    store.get("k").orElseThrow()[1] = 'z';

    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("abc")));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

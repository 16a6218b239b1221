package io.portcullis.auth.secret;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A {@link SecretStore} held in memory only, for tests and throw-away instances. */
public final class InMemorySecretStore implements SecretStore {
  private final ConcurrentMap<String, byte[]> values = new ConcurrentHashMap<>();

  @Override
  public Optional<byte[]> get(String name) {
    return Optional.ofNullable(values.get(SecretStore.requireValidName(name))).map(byte[]::clone);
  }

  @Override
  public void put(String name, byte[] value) {
    values.put(SecretStore.requireValidName(name), SecretStore.requireValidValue(value).clone());
  }
}

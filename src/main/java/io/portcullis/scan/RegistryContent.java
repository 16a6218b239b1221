package io.portcullis.scan;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;
import java.util.List;
import java.util.Optional;

/** What scanning reads of the registry's content, as the registry stored it. */
public interface RegistryContent {
  /** The manifest {@code digest} as pushed (in any repository). */
  Optional<Manifest> manifest(Tx tx, String digest);

  /** The size of the stored blob {@code digest}; empty when it is not stored. */
  Optional<Long> blobSize(Tx tx, String digest);

  /** Every repository holding the manifest {@code digest}. */
  List<RepositoryName> repositoriesWith(Tx tx, String digest);

  /** Every stored manifest once, each with the first repository (by name) holding it. */
  List<Located> everyManifest(Tx tx);

  /** The manifests of {@code repository} that no other repository holds. */
  List<String> manifestsHeldOnlyBy(Tx tx, RepositoryName repository);

  record Manifest(String mediaType, byte[] payload) {}

  record Located(RepositoryName repository, String digest) {}
}

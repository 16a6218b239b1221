package io.portcullis.registry;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.util.List;
import java.util.Optional;

/** Where manifests, their references and tags are kept. */
public interface ManifestStore {
  /** The manifest the tag points at. */
  Optional<Digest> tagDigest(Tx tx, RepositoryName repository, Tag tag);

  /** The manifest the tag points at, the tag locked against moves and deletion until commit. */
  Optional<Digest> lockTag(Tx tx, RepositoryName repository, Tag tag);

  Optional<ManifestService.Manifest> manifest(Tx tx, RepositoryName repository, Digest digest);

  /** Whether the repository has the manifest, kept from deletion until commit (a push needs it as a child). */
  boolean holdManifest(Tx tx, RepositoryName repository, Digest digest);

  /** Whether the repository has the manifest, locked until commit so that no tag comes to point at it. */
  boolean lockManifest(Tx tx, RepositoryName repository, Digest digest);

  /** Stores the manifest with what it references unless the repository has it; false when it had. */
  boolean insertManifest(Tx tx, RepositoryName repository, ParsedManifest manifest, long now);

  /**
   * Creates the tag pointing at {@code digest} unless the repository has it. Returns the manifest an
   * existing tag points at, that tag locked until commit, or empty when the tag was created.
   */
  Optional<Digest> createTag(Tx tx, RepositoryName repository, Tag tag, Digest digest, long now);

  /** Points an existing tag at {@code digest}. */
  void moveTag(Tx tx, RepositoryName repository, Tag tag, Digest digest, long now);

  /** The repositories holding the manifest (tagged, or as a child of an index, or untagged). */
  List<RepositoryName> repositoriesWith(Tx tx, Digest digest);

  /** The tags pointing at the manifest or at an index that lists it. */
  List<Tag> tagsReaching(Tx tx, RepositoryName repository, Digest digest);

  /** The tags pointing at the manifest. */
  List<Tag> tagsOf(Tx tx, RepositoryName repository, Digest digest);

  /** Deletes the manifest, what it references and the tags pointing at it; false when there was none. */
  boolean deleteManifest(Tx tx, RepositoryName repository, Digest digest);

  void deleteTag(Tx tx, RepositoryName repository, Tag tag);

  /** Every tag of the repository with what it points at and when it last moved there. */
  List<ManifestService.TaggedManifest> taggedManifests(Tx tx, RepositoryName repository);

  /** Up to {@code limit} tag names after {@code after} ("" for the first), in bytewise order. */
  List<String> tagNames(Tx tx, RepositoryName repository, String after, int limit);

  /** The manifests whose subject is {@code subject}, by digest. */
  List<ManifestService.Referrer> referrers(Tx tx, RepositoryName repository, Digest subject);

  /** The bytes of the OCI index the tag points at, if it points at one. */
  Optional<byte[]> taggedIndex(Tx tx, RepositoryName repository, Tag tag);

  /** Deletes every tag and manifest of the repository. */
  void deleteAll(Tx tx, RepositoryName repository);
}

package io.portcullis.mirror;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where mirrors, their runs and what they copied are kept. */
public interface MirrorStore {
  /**
   * Adds a mirror (its id is ignored) and returns its id; empty when the target already has a pull
   * mirror (pull), or a push mirror to the same remote repository (push).
   */
  Optional<Long> insert(Tx tx, Mirror mirror, byte[] sealedPassword);

  Optional<Mirror> find(Tx tx, long id);

  /** Every mirror whose local side is {@code target}: its pull mirror (or namespace mirror) and push mirrors. */
  List<Mirror> withTarget(Tx tx, RepositoryName target);

  /** Up to {@code limit} mirrors with ids above {@code after}, by id. */
  List<Mirror> page(Tx tx, long after, int limit);

  /** Writes every setting but the credentials. */
  void update(Tx tx, Mirror mirror);

  /** Replaces the upstream credentials; both null for anonymous access. */
  void updateCredentials(Tx tx, long id, String username, byte[] sealedPassword, Instant at);

  /** The sealed upstream password; empty when there is none. */
  Optional<byte[]> sealedPassword(Tx tx, long id);

  /** Deletes the mirror with its runs and copied-tag records; false when there is none. */
  boolean delete(Tx tx, long id);

  long insertRun(Tx tx, long mirrorId, long jobId, Instant startedAt);

  /** Ends the mirror's unfinished runs as failed with {@code reason}; returns how many there were. */
  int abandonRuns(Tx tx, long mirrorId, Instant at, String reason);

  /** Writes the run's state, counts and message. */
  void updateRun(Tx tx, MirrorRun run);

  Optional<MirrorRun> run(Tx tx, long mirrorId, long runId);

  /** Newest first, ids below {@code before}. */
  List<MirrorRun> runs(Tx tx, long mirrorId, long before, int limit);

  /**
   * What a mirror last copied of each tag of {@code repository}: an upstream repository of a namespace
   * mirror, {@code ""} for the others.
   */
  Map<String, Copied> copied(Tx tx, long mirrorId, String repository);

  /** Records what a tag was copied as (for a pull mirror the upstream tag, for a push mirror the local one). */
  void recordCopied(Tx tx, long mirrorId, String repository, String tag, Copied copied, Instant at);

  /**
   * A tag's manifest on the remote side as last copied (received from upstream or pushed to the
   * remote), and the local manifest (the local tag was pointed at, or was pushed from).
   */
  record Copied(Digest upstream, Digest local) {}

  /**
   * A repository of {@code registry} other than {@code except} that a push mirror put blob {@code
   * digest} in, to mount it from; empty when there is none.
   */
  Optional<String> pushedBlob(Tx tx, String registry, Digest digest, String except);

  /** Records that a push mirror put blob {@code digest} in {@code repository} of {@code registry}. */
  void recordPushedBlob(Tx tx, String registry, String repository, Digest digest, Instant at);
}

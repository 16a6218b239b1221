package io.portcullis.scan;

import io.portcullis.metadata.Tx;
import io.portcullis.scan.vuln.Advisory;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Storage of the vulnerability database: advisories grouped by the source that brought them, and a version. */
public interface AdvisoryStore {
  /** The number of imports so far (0 when nothing was imported). */
  long version(Tx tx);

  /** Hands every stored advisory to {@code each}, by source and id, without holding them all in memory. */
  void forEach(Tx tx, Consumer<Advisory> each);

  /**
   * Replaces every advisory of {@code source} with {@code advisories} (unique ids), records the import
   * as of {@code now} and returns the new version; concurrent replacements, on any replica, go one
   * after another. {@code progress} is told how many advisories are stored so far.
   */
  long replace(Tx tx, String source, String format, Collection<Advisory> advisories, long now, LongConsumer progress);

  /** Every imported source, by name. */
  List<VulnerabilityDatabase.Source> sources(Tx tx);
}

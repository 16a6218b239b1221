package io.portcullis.quota;

import java.util.Optional;

/**
 * What a namespace stores, each blob counted once however many of its repositories link it, and
 * its quota if it has one.
 */
public record NamespaceUsage(String namespace, long usedBytes, long blobs, Optional<Quota> quota) {
  public enum State { UNLIMITED, OK, WARNING, FULL }

  public State state() {
    if (quota.isEmpty()) {
      return State.UNLIMITED;
    }
    Quota q = quota.get();
    return usedBytes >= q.limitBytes() ? State.FULL : usedBytes >= q.warnAtBytes() ? State.WARNING : State.OK;
  }
}

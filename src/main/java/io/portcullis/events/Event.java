package io.portcullis.events;

import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened, as stored in the event log.
 *
 * @param id         position in the log; 0 until appended
 * @param type       what happened
 * @param at         when
 * @param caller     who caused it, from where, in which request
 * @param repository the repository involved, if any
 * @param digest     the manifest or blob involved, if any
 * @param tag        the tag involved, if any
 * @param mediaType  the manifest's or blob's media type, when known
 * @param target     the identity object changed ({@code user bob}, {@code team hub/ci}, {@code token 3f…}), if any
 * @param detail     further facts, small and flat (a permission level, a scan's counts); never secrets
 */
public record Event(long id, EventType type, Instant at, Caller caller, RepositoryName repository, Digest digest,
    Tag tag, String mediaType, String target, Map<String, String> detail) {

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(caller, "caller");
    detail = detail == null ? Map.of() : Map.copyOf(detail);
  }

  /** An event about a repository's content. */
  public static Event of(EventType type, Instant at, Caller caller, RepositoryName repository, Digest digest, Tag tag,
      String mediaType) {
    return new Event(0, type, at, caller, repository, digest, tag, mediaType, null, Map.of());
  }

  /** An event about an identity object or a setting, optionally on a repository. */
  public static Event change(EventType type, Instant at, Caller caller, String target, RepositoryName repository,
      Map<String, String> detail) {
    return new Event(0, type, at, caller, repository, null, null, null, target, detail);
  }
}

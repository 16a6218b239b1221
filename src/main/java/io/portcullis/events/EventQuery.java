package io.portcullis.events;

import io.portcullis.shared.RepositoryName;
import java.time.Instant;

/**
 * A search of the event log, newest first; every criterion is optional (null).
 *
 * @param before only events with a smaller id (paging); 0 for the newest
 * @param limit  most events returned
 * @param since  at or after
 * @param until  before
 */
public record EventQuery(long before, int limit, RepositoryName repository, String actor, EventType type,
    Instant since, Instant until) {}

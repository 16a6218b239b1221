package io.portcullis.shared;

/**
 * Who asked for an operation, as recorded on the events and audit entries it causes.
 *
 * @param actor     the principal's name ({@code anonymous} when none)
 * @param client    the client's network address
 * @param requestId the request id that ties log lines, events and audit entries together
 */
public record Caller(String actor, String client, String requestId) {
  public static final Caller SYSTEM = new Caller("system", "local", "-");
}

package io.portcullis.identity;

/**
 * A user's membership in a team.
 *
 * @param synced whether it comes from an external directory group mapping (and goes with it)
 */
public record TeamMember(String username, TeamRole role, boolean synced) {}

package io.portcullis.identity;

/** Members of the external directory group {@code group} become members of the team. */
public record GroupMapping(String group, String organization, String team) {}

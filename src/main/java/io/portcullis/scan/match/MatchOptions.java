package io.portcullis.scan.match;

/**
 * How {@link Matcher} reports.
 *
 * @param includeUnfixed report vulnerabilities no record knows a fix for ({@code fixedVersion == null});
 *                       when false they are left out, as scanners in "fixable only" mode do
 */
public record MatchOptions(boolean includeUnfixed) {

  public static final MatchOptions DEFAULT = new MatchOptions(true);

  public static final MatchOptions FIXABLE_ONLY = new MatchOptions(false);
}

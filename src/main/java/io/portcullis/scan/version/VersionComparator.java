package io.portcullis.scan.version;

import java.util.Comparator;

/**
 * Orders versions the way one packaging ecosystem does. Obtain one with {@link Ecosystems#comparatorFor}
 * or use the scheme singletons ({@link DpkgVersionComparator#INSTANCE}, {@link SemverComparator#NPM}, ...).
 *
 * <p>Parse once and keep the {@link ParsedVersion} when the same version is compared repeatedly.
 */
public interface VersionComparator extends Comparator<String> {

  /** Short name of the ordering scheme, e.g. {@code dpkg}, {@code apk}, {@code maven}. */
  String scheme();

  /**
   * Parses a version of this scheme.
   *
   * @throws InvalidVersionException when the text is not a version of this scheme
   */
  ParsedVersion parse(String version);

  /** Compares two version strings; both must be valid for this scheme. */
  @Override
  default int compare(String a, String b) {
    return Integer.signum(parse(a).compareTo(parse(b)));
  }
}

package io.portcullis.scan.inventory;

import java.util.Locale;
import java.util.Objects;

/**
 * The operating system an image is built on, as its release files state it.
 *
 * @param id        os-release {@code ID}, lower case ({@code alpine}, {@code debian}, {@code rhel}, …)
 * @param versionId os-release {@code VERSION_ID} or the version from a distro release file; may be empty
 * @param name      human readable name ({@code PRETTY_NAME} or the release file's text)
 * @param path      the file it was read from, absolute inside the image
 */
public record OsRelease(String id, String versionId, String name, String path) {

  public OsRelease {
    Objects.requireNonNull(id, "id");
    id = id.toLowerCase(Locale.ROOT);
    versionId = versionId == null ? "" : versionId;
    name = name == null ? id : name;
    Objects.requireNonNull(path, "path");
  }

  /**
   * OSV ecosystem of this release's distro packages: {@code Alpine:v3.16}, {@code Debian:12},
   * {@code Ubuntu:22.04}, {@code Red Hat}, {@code Rocky Linux}, {@code AlmaLinux}, …; unknown
   * distributions fall back to their name.
   */
  public String ecosystem() {
    return switch (id) {
      case "alpine" -> versionId.isEmpty() ? "Alpine" : "Alpine:v" + majorMinor(versionId);
      case "debian" -> versionId.isEmpty() ? "Debian" : "Debian:" + major(versionId);
      case "ubuntu" -> versionId.isEmpty() ? "Ubuntu" : "Ubuntu:" + versionId;
      case "rhel" -> "Red Hat";
      case "rocky" -> "Rocky Linux";
      case "almalinux" -> "AlmaLinux";
      case "centos" -> "CentOS";
      case "ol" -> "Oracle Linux";
      case "fedora" -> "Fedora";
      case "amzn" -> "Amazon Linux";
      case "opensuse-leap", "opensuse-tumbleweed", "opensuse" -> "openSUSE";
      case "sles" -> "SUSE";
      case "wolfi" -> "Wolfi";
      case "chainguard" -> "Chainguard";
      case "photon" -> "Photon OS";
      case "mariner", "azurelinux" -> "Azure Linux";
      default -> name;
    };
  }

  /** Namespace of this distro's packages in a package URL ({@code pkg:deb/debian/…}). */
  public String purlNamespace() {
    return switch (id) {
      case "rhel" -> "redhat";
      case "amzn" -> "amazon";
      case "ol" -> "oracle";
      case "opensuse-leap", "opensuse-tumbleweed" -> "opensuse";
      case "sles" -> "suse";
      default -> id;
    };
  }

  /** Value of the package URL {@code distro} qualifier, e.g. {@code debian-12}. */
  public String purlDistro() {
    return versionId.isEmpty() ? id : id + "-" + versionId;
  }

  private static String major(String version) {
    int dot = version.indexOf('.');
    return dot < 0 ? version : version.substring(0, dot);
  }

  private static String majorMinor(String version) {
    int first = version.indexOf('.');
    if (first < 0) {
      return version;
    }
    int end = first + 1;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return version.substring(0, end);
  }
}

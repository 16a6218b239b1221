package io.portcullis.scan.inventory;

import java.util.List;
import java.util.Objects;

/**
 * One piece of software found in an image: the unit that vulnerability records are matched against.
 *
 * @param ecosystem     OSV ecosystem the package belongs to, with the distro release where the
 *                      ecosystem is a distribution: {@code Alpine:v3.16}, {@code Debian:12},
 *                      {@code Maven}, {@code npm}, {@code PyPI}, {@code Go}, {@code RubyGems},
 *                      {@code Packagist}, {@code NuGet}, {@code crates.io}
 * @param name          name as the ecosystem spells it ({@code org.group:artifact} for Maven)
 * @param version       installed version, exactly as recorded (dpkg with epoch, apk with -rN)
 * @param sourceName    source package for distro packages (dpkg {@code Source:}, apk origin); else the name
 * @param sourceVersion source package version (dpkg {@code Source: name (version)}); else the version
 * @param purl          package URL identifying it outside Portcullis (CycloneDX/SPDX export)
 * @param licenses      declared licenses, SPDX ids where the metadata gives one
 * @param path          path of the file the package was found in, absolute inside the image
 * @param layerDigest   digest of the (compressed) layer that introduced the package
 */
public record InstalledPackage(
    String ecosystem,
    String name,
    String version,
    String sourceName,
    String sourceVersion,
    String purl,
    List<String> licenses,
    String path,
    String layerDigest) {

  public InstalledPackage {
    Objects.requireNonNull(ecosystem, "ecosystem");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    sourceName = sourceName == null || sourceName.isEmpty() ? name : sourceName;
    sourceVersion = sourceVersion == null || sourceVersion.isEmpty() ? version : sourceVersion;
    licenses = licenses == null ? List.of() : List.copyOf(licenses);
  }

  public InstalledPackage withLayer(String digest) {
    return new InstalledPackage(ecosystem, name, version, sourceName, sourceVersion, purl, licenses, path, digest);
  }

  /** Same package found at another path (a hard link to the file it was read from). */
  public InstalledPackage withPath(String newPath) {
    return new InstalledPackage(ecosystem, name, version, sourceName, sourceVersion, purl, licenses, newPath,
        layerDigest);
  }

  /**
   * Whether this is a distro package still waiting for the image's OS release
   * (see {@link DistroFamily#pendingEcosystem()}).
   */
  public boolean awaitsDistro() {
    return DistroFamily.ofPendingEcosystem(ecosystem).isPresent();
  }

  /**
   * Completes a distro package with the OS release of its image: the OSV ecosystem and the purl
   * namespace and {@code distro} qualifier. Packages that are not pending are returned unchanged;
   * without an OS release the family's bare ecosystem ({@code Debian}, {@code Alpine}, …) is used.
   */
  public InstalledPackage resolveDistro(OsRelease os) {
    return DistroFamily.ofPendingEcosystem(ecosystem)
        .map(family -> new InstalledPackage(os == null ? family.fallbackEcosystem() : os.ecosystem(), name,
            version, sourceName, sourceVersion, family.resolvePurl(purl, os), licenses, path, layerDigest))
        .orElse(this);
  }
}

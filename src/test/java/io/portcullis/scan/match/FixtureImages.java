package io.portcullis.scan.match;

import io.portcullis.scan.inventory.InstalledPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The installed packages of the shared fixture images, as written in shared/fixtures/EXPECTED.md. */
final class FixtureImages {

  static final String ALPINE_L0 = "sha256:4d3ab827a6cecc798128b51bcfe15a350a7a769788bcf8ccf9884e79d53e482d";
  static final String DEBIAN_L0 = "sha256:0f7e2aeb356d85a74c41ae5ced7aed435a7e8684de9f0b01efd9f2300d278839";
  static final String JAVA_L1 = "sha256:c5bd02d2814ebd7db0fb45182af2aa96ed3bac9a0da4edad2a82aa11d31a568f";
  static final String JAVA_L2 = "sha256:05ab31b17d4ed5946d5782ac34c6cb6b7e4f250ee1fe5edfec871568f5fef9b6";

  private FixtureImages() {}

  /** shared/ beside the project, or -Dportcullis.shared; the fixtures are part of the project's tests. */
  static Path vulndb() {
    String configured = System.getProperty("portcullis.shared");
    Path shared = (configured != null ? Path.of(configured) : Path.of("..", "shared")).toAbsolutePath().normalize();
    Path vulndb = shared.resolve("fixtures").resolve("vulndb");
    if (!Files.isDirectory(vulndb)) {
      throw new IllegalStateException("fixture vulndb not found at " + vulndb + " (set -Dportcullis.shared)");
    }
    return vulndb;
  }

  /** name version origin, from section 1 (apk database of alpine-3.16 L0). */
  static List<InstalledPackage> alpine316() {
    String table = """
        busybox 1.35.0-r17 busybox
        ssl_client 1.35.0-r17 busybox
        musl 1.2.3-r3 musl
        musl-utils 1.2.3-r3 musl
        libcrypto1.1 1.1.1w-r1 openssl
        libssl1.1 1.1.1w-r1 openssl
        zlib 1.2.12-r3 zlib
        apk-tools 2.12.9-r3 apk-tools
        scanelf 1.3.4-r0 pax-utils
        ca-certificates-bundle 20230506-r0 ca-certificates
        alpine-baselayout 3.2.0-r23 alpine-baselayout
        alpine-baselayout-data 3.2.0-r23 alpine-baselayout
        alpine-keys 2.4-r1 alpine-keys
        libc-utils 0.7.2-r3 libc-dev
        """;
    List<InstalledPackage> out = new ArrayList<>();
    for (String line : table.strip().split("\n")) {
      String[] f = line.strip().split(" ");
      out.add(new InstalledPackage("Alpine:v3.16", f[0], f[1], f[2], f[1], "pkg:apk/alpine/" + f[0] + "@" + f[1],
          List.of(), "/lib/apk/db/installed", ALPINE_L0));
    }
    return out;
  }

  /** The 88 packages of section 2a; [source] where it differs from the binary name. */
  static List<InstalledPackage> debianBookworm() {
    String list = """
        adduser 3.134|apt 2.6.2|base-files 12.4+deb12u15|base-passwd 3.6.1|bash 5.2.15-2+b13|bsdutils 1:2.38.1-5+deb12u3 util-linux|
        coreutils 9.1-1|dash 0.5.12-2|debconf 1.5.82|debian-archive-keyring 2023.3+deb12u2|debianutils 5.7-0.5~deb12u1|
        diffutils 1:3.8-4|dpkg 1.21.23|e2fsprogs 1.47.0-2+b2|findutils 4.9.0-4|gcc-12-base 12.2.0-14+deb12u1 gcc-12|
        gpgv 2.2.40-1.1+deb12u2 gnupg2|grep 3.8-5|gzip 1.12-1|hostname 3.23+nmu1|init-system-helpers 1.65.2+deb12u1|
        libacl1 2.3.1-3 acl|libapt-pkg6.0 2.6.2 apt|libattr1 1:2.5.1-4 attr|libaudit-common 1:3.0.9-1 audit|
        libaudit1 1:3.0.9-1 audit|libblkid1 2.38.1-5+deb12u3 util-linux|libbz2-1.0 1.0.8-5+b1 bzip2|
        libc-bin 2.36-9+deb12u14 glibc|libc6 2.36-9+deb12u14 glibc|libcap-ng0 0.8.3-1+b3 libcap-ng|
        libcap2 1:2.66-4+deb12u3+b1|libcom-err2 1.47.0-2+b2 e2fsprogs|libcrypt1 1:4.4.33-2 libxcrypt|
        libdb5.3 5.3.28+dfsg2-1 db5.3|libdebconfclient0 0.270 cdebconf|libext2fs2 1.47.0-2+b2 e2fsprogs|
        libffi8 3.4.4-1 libffi|libgcc-s1 12.2.0-14+deb12u1 gcc-12|libgcrypt20 1.10.1-3+deb12u1|
        libgmp10 2:6.2.1+dfsg1-1.1 gmp|libgnutls30 3.7.9-2+deb12u7 gnutls28|libgpg-error0 1.46-1 libgpg-error|
        libhogweed6 3.8.1-2 nettle|libidn2-0 2.3.3-1+b1 libidn2|liblz4-1 1.9.4-1 lz4|liblzma5 5.4.1-1+deb12u2 xz-utils|
        libmd0 1.0.4-2 libmd|libmount1 2.38.1-5+deb12u3 util-linux|libnettle8 3.8.1-2 nettle|libp11-kit0 0.24.1-2 p11-kit|
        libpam-modules 1.5.2-6+deb12u2 pam|libpam-modules-bin 1.5.2-6+deb12u2 pam|libpam-runtime 1.5.2-6+deb12u2 pam|
        libpam0g 1.5.2-6+deb12u2 pam|libpcre2-8-0 10.42-1+deb12u2 pcre2|libseccomp2 2.5.4-1+deb12u1 libseccomp|
        libselinux1 3.4-1+b6 libselinux|libsemanage-common 3.4-1 libsemanage|libsemanage2 3.4-1+b5 libsemanage|
        libsepol2 3.4-2.1 libsepol|libsmartcols1 2.38.1-5+deb12u3 util-linux|libss2 1.47.0-2+b2 e2fsprogs|
        libstdc++6 12.2.0-14+deb12u1 gcc-12|libsystemd0 252.39-1~deb12u2 systemd|libtasn1-6 4.19.0-2+deb12u1|
        libtinfo6 6.4-4 ncurses|libudev1 252.39-1~deb12u2 systemd|libunistring2 1.0-2 libunistring|
        libuuid1 2.38.1-5+deb12u3 util-linux|libxxhash0 0.8.1-1 xxhash|libzstd1 1.5.4+dfsg2-5 libzstd|
        login 1:4.13+dfsg1-1+deb12u2 shadow|logsave 1.47.0-2+b2 e2fsprogs|mawk 1.3.4.20200120-3.1|
        mount 2.38.1-5+deb12u3 util-linux|ncurses-base 6.4-4 ncurses|ncurses-bin 6.4-4 ncurses|
        passwd 1:4.13+dfsg1-1+deb12u2 shadow|perl-base 5.36.0-7+deb12u4 perl|sed 4.9-1+deb12u1|sysvinit-utils 3.06-4 sysvinit|
        tar 1.34+dfsg-1.2+deb12u1|tzdata 2026f-0+deb12u1|usr-is-merged 37~deb12u1 usrmerge|util-linux 2.38.1-5+deb12u3|
        util-linux-extra 2.38.1-5+deb12u3 util-linux|zlib1g 1:1.2.13.dfsg-1 zlib
        """;
    List<InstalledPackage> out = new ArrayList<>();
    for (String entry : list.replace("\n", "").split("\\|")) {
      String[] f = entry.strip().split(" ");
      String source = f.length > 2 ? f[2] : f[0];
      out.add(new InstalledPackage("Debian:12", f[0], f[1], source, sourceVersion(f[1]), "pkg:deb/debian/" + f[0],
          List.of(), "/var/lib/dpkg/status", DEBIAN_L0));
    }
    return out;
  }

  /** A binNMU ({@code +bN}) rebuilds the binary only; dpkg records the source version without it. */
  private static String sourceVersion(String binaryVersion) {
    int binNmu = binaryVersion.lastIndexOf("+b");
    return binNmu > 0 && binaryVersion.substring(binNmu + 2).chars().allMatch(Character::isDigit)
        ? binaryVersion.substring(0, binNmu) : binaryVersion;
  }

  /** Section 3: the Alpine base plus the Maven artifacts of layers L1 and L2 (L3 deletes /tmp/build). */
  static List<InstalledPackage> javaApp() {
    List<InstalledPackage> out = new ArrayList<>(alpine316());
    out.add(maven("org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/app/lib/log4j-core-2.14.1.jar", JAVA_L1));
    out.add(maven("com.fasterxml.jackson.core:jackson-databind", "2.9.8", "/opt/app/lib/jackson-databind-2.9.8.jar",
        JAVA_L1));
    out.add(maven("org.apache.commons:commons-text", "1.9", "/opt/app/lib/commons-text-1.9.jar", JAVA_L1));
    out.add(maven("org.springframework:spring-beans", "5.3.17", "/opt/app/lib/spring-beans-5.3.17.jar", JAVA_L1));
    out.add(maven("org.springframework:spring-core", "5.3.17", "/opt/app/lib/spring-core-5.3.17.jar", JAVA_L1));
    out.add(maven("org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/app/shaded-app-1.0.0.jar", JAVA_L2));
    out.add(maven("org.apache.logging.log4j:log4j-api", "2.14.1", "/opt/app/shaded-app-1.0.0.jar", JAVA_L2));
    out.add(maven("com.example.fixtures:shaded-app", "1.0.0", "/opt/app/shaded-app-1.0.0.jar", JAVA_L2));
    out.add(maven("org.apache.commons:commons-text", "1.9",
        "/opt/app/nested-app-1.0.0.jar!/BOOT-INF/lib/commons-text-1.9.jar", JAVA_L2));
    return out;
  }

  private static InstalledPackage maven(String ga, String version, String path, String layer) {
    String[] g = ga.split(":");
    return new InstalledPackage("Maven", ga, version, null, null, "pkg:maven/" + g[0] + "/" + g[1] + "@" + version,
        List.of(), path, layer);
  }
}

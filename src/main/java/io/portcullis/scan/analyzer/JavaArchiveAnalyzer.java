package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Maven artifacts in Java archives (jar, war, ear and Jenkins plugins) anywhere in the filesystem
 * (each archive buffered up to {@link io.portcullis.scan.layer.LayerLimits#maxFileBytes()}). Every
 * {@code META-INF/maven/<group>/<artifact>/pom.properties} is a package, so shaded jars report each
 * artifact they embed. Archives inside archives (Spring Boot {@code BOOT-INF/lib}, war
 * {@code WEB-INF/lib}, ear modules) are opened recursively up to
 * {@link io.portcullis.scan.layer.LayerLimits#maxNestedArchiveDepth()}; their packages' path is
 * {@code outer.jar!/inner.jar}.
 *
 * <p>An archive without pom.properties (Gradle builds such as Spring) falls back to its MANIFEST
 * ({@code Implementation-Title/-Version/-Vendor-Id}, {@code Bundle-SymbolicName/-Version}) and its file
 * name for artifact and version; the group is {@code Implementation-Vendor-Id}, else the Bundle-SymbolicName
 * prefix, else the common package of its classes without trailing segments that repeat the artifact name
 * ({@code org/springframework/beans} in spring-beans → {@code org.springframework}), at most 3 segments.
 * Archives whose group cannot be determined yield no package rather than a guessed one.
 */
public final class JavaArchiveAnalyzer implements PackageAnalyzer {

  private static final String POM_PREFIX = "META-INF/maven/";
  private static final String POM_SUFFIX = "/pom.properties";
  private static final int MAX_METADATA_BYTES = 1024 * 1024;
  private static final int MAX_GROUP_SEGMENTS = 3;

  @Override
  public boolean wants(LayerEntry entry) {
    return isArchive(entry.path());
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    scan(file.bytes(), file.path(), 0, file, findings);
  }

  /**
   * Reads the archive through its central directory: only metadata entries and nested archives are
   * inflated, never the classes (streaming the local headers would inflate every entry that uses a
   * data descriptor). Also copes with launch scripts prepended to executable jars.
   */
  private void scan(byte[] archive, String path, int depth, AnalyzedFile file, Findings findings)
      throws IOException {
    ArchiveContents contents = new ArchiveContents();
    try (ZipFile zip = ZipFile.builder()
        .setSeekableByteChannel(new SeekableInMemoryByteChannel(archive))
        .setUseUnicodeExtraFields(true)
        .setIgnoreLocalFileHeader(true)
        .get()) {
      long entries = 0;
      for (Enumeration<ZipArchiveEntry> all = zip.getEntries(); all.hasMoreElements(); ) {
        ZipArchiveEntry entry = all.nextElement();
        if (++entries > file.limits().maxEntries()) {
          findings.skip(path, "more than " + file.limits().maxEntries() + " archive entries");
          break;
        }
        if (entry.isDirectory() || !zip.canReadEntryData(entry)) {
          continue;
        }
        String name = entry.getName();
        if (name.startsWith(POM_PREFIX) && name.endsWith(POM_SUFFIX)) {
          contents.addPom(read(zip, entry, MAX_METADATA_BYTES, path));
        } else if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
          contents.manifest = new Manifest(new ByteArrayInputStream(read(zip, entry, MAX_METADATA_BYTES, path)));
        } else if (isArchive(name)) {
          nested(zip, entry, path + "!/" + name, depth, file, findings);
        } else if (name.endsWith(".class")) {
          contents.addClass(name);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedContentException(path + ": unreadable archive: " + e.getMessage(), e);
    }
    contents.emit(path, findings);
  }

  private void nested(ZipFile zip, ZipArchiveEntry entry, String path, int depth, AnalyzedFile file,
      Findings findings) {
    if (depth >= file.limits().maxNestedArchiveDepth()) {
      findings.skip(path, "archive nested deeper than " + file.limits().maxNestedArchiveDepth());
      return;
    }
    try {
      scan(read(zip, entry, file.limits().maxFileBytes(), path), path, depth + 1, file, findings);
    } catch (IOException e) {
      // A corrupt or oversized inner archive must not hide the rest of the outer one.
      findings.skip(path, e.getMessage());
    }
  }

  /** The entry's bytes; more than {@code max} (whatever the directory claims) is refused. */
  private static byte[] read(ZipFile zip, ZipArchiveEntry entry, long max, String path) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] data = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 16));
      if (data.length > max) {
        throw new MalformedContentException(path + "!/" + entry.getName() + " inflates beyond " + max + " bytes");
      }
      return data;
    }
  }

  static boolean isArchive(String path) {
    int length = path.length();
    if (length < 5 || path.charAt(length - 4) != '.') {
      return false;
    }
    return path.regionMatches(true, length - 3, "jar", 0, 3) || path.regionMatches(true, length - 3, "war", 0, 3)
        || path.regionMatches(true, length - 3, "ear", 0, 3) || path.regionMatches(true, length - 3, "jpi", 0, 3)
        || path.regionMatches(true, length - 3, "hpi", 0, 3);
  }

  /** What one archive says about itself, gathered while streaming through it. */
  private static final class ArchiveContents {
    private final List<Properties> poms = new ArrayList<>();
    private Manifest manifest;
    private String classPackage;

    void addPom(byte[] data) throws IOException {
      Properties properties = new Properties();
      properties.load(new java.io.StringReader(new String(data, StandardCharsets.ISO_8859_1)));
      poms.add(properties);
    }

    void addClass(String name) {
      if (name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
        return;
      }
      int slash = name.lastIndexOf('/');
      String directory = slash < 0 ? "" : name.substring(0, slash);
      classPackage = classPackage == null ? directory : commonDirectory(classPackage, directory);
    }

    void emit(String path, Findings findings) {
      List<String> licenses = manifestLicenses();
      int reported = 0;
      for (Properties pom : poms) {
        String group = trimmed(pom.getProperty("groupId"));
        String artifact = trimmed(pom.getProperty("artifactId"));
        String version = trimmed(pom.getProperty("version"));
        if (group != null && artifact != null && version != null) {
          findings.add(maven(group, artifact, version, poms.size() == 1 ? licenses : List.of(), path));
          reported++;
        }
      }
      if (reported == 0) {
        fromManifest(path, licenses, findings);
      }
    }

    private void fromManifest(String path, List<String> licenses, Findings findings) {
      String[] fromFileName = fileNameCoordinates(path);
      String title = attribute(Attributes.Name.IMPLEMENTATION_TITLE.toString());
      String artifact = title != null && title.indexOf(' ') < 0 ? title : fromFileName[0];
      String version = firstNonNull(attribute(Attributes.Name.IMPLEMENTATION_VERSION.toString()),
          attribute("Bundle-Version"), fromFileName[1]);
      if (artifact == null || version == null) {
        return;
      }
      String group = firstNonNull(attribute("Implementation-Vendor-Id"), bundleGroup(artifact),
          classGroup(artifact));
      if (group != null) {
        findings.add(maven(group, artifact, version, licenses, path));
      }
    }

    private String bundleGroup(String artifact) {
      String symbolicName = attribute("Bundle-SymbolicName");
      if (symbolicName == null) {
        return null;
      }
      int semicolon = symbolicName.indexOf(';');
      String bundle = (semicolon < 0 ? symbolicName : symbolicName.substring(0, semicolon)).strip();
      return bundle.endsWith("." + artifact) ? bundle.substring(0, bundle.length() - artifact.length() - 1) : null;
    }

    private String classGroup(String artifact) {
      if (classPackage == null || classPackage.isEmpty()) {
        return null;
      }
      List<String> segments = new ArrayList<>(List.of(classPackage.split("/")));
      while (segments.size() > MAX_GROUP_SEGMENTS) {
        segments.removeLast();
      }
      List<String> artifactTokens = List.of(artifact.toLowerCase(Locale.ROOT).split("[-.]"));
      while (segments.size() > 2 && artifactTokens.contains(segments.getLast().toLowerCase(Locale.ROOT))) {
        segments.removeLast();
      }
      return segments.size() < 2 ? null : String.join(".", segments);
    }

    private List<String> manifestLicenses() {
      String license = attribute("Bundle-License");
      if (license == null) {
        return List.of();
      }
      List<String> declared = new ArrayList<>();
      for (String part : license.split(",")) {
        int semicolon = part.indexOf(';');
        declared.add(semicolon < 0 ? part : part.substring(0, semicolon));
      }
      return Licenses.normalizeAll(declared);
    }

    private String attribute(String name) {
      return manifest == null ? null : trimmed(manifest.getMainAttributes().getValue(name));
    }
  }

  private static InstalledPackage maven(String group, String artifact, String version, List<String> licenses,
      String path) {
    return new InstalledPackage("Maven", group + ":" + artifact, version, null, null,
        PackageUrls.of("maven", group, artifact, version), licenses, path, null);
  }

  /** "spring-core-5.3.17.jar" → {spring-core, 5.3.17}: the version starts at the first "-digit". */
  static String[] fileNameCoordinates(String path) {
    int bang = path.lastIndexOf("!/");
    int slash = path.lastIndexOf('/');
    String name = path.substring(Math.max(slash, bang + 1) + 1);
    int dot = name.lastIndexOf('.');
    String base = dot < 0 ? name : name.substring(0, dot);
    for (int i = 0; i + 1 < base.length(); i++) {
      if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1)) && i > 0) {
        return new String[] {base.substring(0, i), base.substring(i + 1)};
      }
    }
    return new String[] {base.isEmpty() ? null : base, null};
  }

  private static String commonDirectory(String a, String b) {
    int length = Math.min(a.length(), b.length());
    int lastBoundary = 0;
    for (int i = 0; i < length; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return a.substring(0, lastBoundary);
      }
      if (a.charAt(i) == '/') {
        lastBoundary = i;
      }
    }
    boolean aEnds = a.length() == length || a.charAt(length) == '/';
    boolean bEnds = b.length() == length || b.charAt(length) == '/';
    return aEnds && bEnds ? a.substring(0, length) : a.substring(0, lastBoundary);
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static String trimmed(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}

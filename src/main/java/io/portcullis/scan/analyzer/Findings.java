package io.portcullis.scan.analyzer;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.inventory.OsRelease;
import java.util.ArrayList;
import java.util.List;

/** Collects what analyzers report while one layer is scanned. */
public final class Findings {

  private final List<InstalledPackage> packages = new ArrayList<>();
  private final List<LayerInventory.SkippedEntry> skipped = new ArrayList<>();
  private OsRelease osRelease;
  private int osPreference = Integer.MAX_VALUE;

  /** Reports a package; its {@code path} must name the file (or nested archive) it was read from. */
  public void add(InstalledPackage pkg) {
    packages.add(pkg);
  }

  /**
   * Reports an OS release read from one release file. Several files may state it; the lowest
   * {@code preference} wins ({@code /etc/os-release} before distro-specific files).
   */
  public void osRelease(OsRelease release, int preference) {
    if (preference < osPreference) {
      osRelease = release;
      osPreference = preference;
    }
  }

  /** Reports part of a file that could not be analysed (a corrupt nested archive), with the reason. */
  public void skip(String path, String reason) {
    skipped.add(new LayerInventory.SkippedEntry(path, reason));
  }

  List<LayerInventory.SkippedEntry> skipped() {
    return skipped;
  }

  List<InstalledPackage> packages() {
    return packages;
  }

  OsRelease osRelease() {
    return osRelease;
  }
}

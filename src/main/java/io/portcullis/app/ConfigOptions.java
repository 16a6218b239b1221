package io.portcullis.app;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that reads the configuration shares, and the one way to load it. */
final class ConfigOptions {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default ./data).")
  Path dataDir;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path config;

  /**
   * The configuration from file, environment and these options (plus {@code extra} ones), or null
   * after printing the one-line error a bad configuration gets.
   */
  Configuration loadOrReport(Map<Setting, String> extra) {
    try {
      return Configuration.load(config, System.getenv(), overrides(extra));
    } catch (Configuration.InvalidConfiguration e) {
      System.err.println("portcullis: " + e.getMessage());
      return null;
    }
  }

  /** What these options (plus {@code extra} ones) set, above file and environment. */
  Map<Setting, String> overrides(Map<Setting, String> extra) {
    Map<Setting, String> overrides = new EnumMap<>(Setting.class);
    overrides.putAll(extra);
    if (dataDir != null) {
      overrides.put(Setting.DATA_DIR, dataDir.toString());
    }
    return overrides;
  }
}

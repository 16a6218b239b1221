package io.portcullis.scan.analyzer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the license names packages declare to SPDX ids. Only a small table of names that are common and
 * unambiguous; anything else is kept exactly as declared so nothing is silently reinterpreted.
 */
public final class Licenses {

  private static final Map<String, String> SPDX = new HashMap<>();

  static {
    alias("Apache-2.0", "apache-2.0", "apache 2.0", "apache 2", "apache-2", "apache2", "apache license 2.0",
        "apache license, version 2.0", "apache license version 2.0", "the apache license, version 2.0",
        "the apache software license, version 2.0", "apache software license 2.0", "asl 2.0", "asl2",
        "apache license (2.0)", "apache software license, version 2.0", "apache license v2.0",
        "https://www.apache.org/licenses/license-2.0", "http://www.apache.org/licenses/license-2.0",
        "https://www.apache.org/licenses/license-2.0.txt", "http://www.apache.org/licenses/license-2.0.txt",
        "apache software license");
    alias("MIT", "mit", "mit license", "the mit license", "expat", "mit/expat");
    alias("BSD-2-Clause", "bsd-2-clause", "bsd 2-clause", "simplified bsd", "bsd 2-clause license",
        "the 2-clause bsd license");
    alias("BSD-3-Clause", "bsd-3-clause", "bsd 3-clause", "new bsd", "new bsd license", "modified bsd",
        "bsd 3-clause license", "the 3-clause bsd license", "the bsd 3-clause license", "revised bsd");
    alias("ISC", "isc", "isc license");
    alias("GPL-2.0-only", "gpl-2.0", "gpl-2.0-only", "gplv2", "gpl2", "gpl v2", "gnu gpl v2",
        "gnu general public license v2 (gplv2)", "gnu general public license, version 2");
    alias("GPL-2.0-or-later", "gpl-2.0+", "gpl-2.0-or-later", "gplv2+", "gpl2+",
        "gnu general public license v2 or later (gplv2+)");
    alias("GPL-3.0-only", "gpl-3.0", "gpl-3.0-only", "gplv3", "gpl3", "gnu general public license v3 (gplv3)");
    alias("GPL-3.0-or-later", "gpl-3.0+", "gpl-3.0-or-later", "gplv3+", "gpl3+",
        "gnu general public license v3 or later (gplv3+)");
    alias("LGPL-2.1-only", "lgpl-2.1", "lgpl-2.1-only", "lgplv2.1", "lgpl2.1",
        "gnu lesser general public license v2 (lgplv2)");
    alias("LGPL-2.1-or-later", "lgpl-2.1+", "lgpl-2.1-or-later", "lgplv2+", "lgplv2.1+", "lgpl2.1+",
        "gnu lesser general public license v2 or later (lgplv2+)");
    alias("LGPL-3.0-only", "lgpl-3.0", "lgpl-3.0-only", "lgplv3", "gnu lesser general public license v3 (lgplv3)");
    alias("LGPL-3.0-or-later", "lgpl-3.0+", "lgpl-3.0-or-later", "lgplv3+",
        "gnu lesser general public license v3 or later (lgplv3+)");
    alias("MPL-2.0", "mpl-2.0", "mpl 2.0", "mozilla public license 2.0", "mozilla public license, version 2.0",
        "mozilla public license 2.0 (mpl 2.0)");
    alias("EPL-1.0", "epl-1.0", "eclipse public license 1.0", "eclipse public license - v 1.0");
    alias("EPL-2.0", "epl-2.0", "eclipse public license 2.0", "eclipse public license - v 2.0",
        "eclipse public license v2.0");
    alias("CDDL-1.0", "cddl-1.0", "cddl 1.0", "common development and distribution license 1.0");
    alias("PSF-2.0", "psf-2.0", "psf", "python software foundation license");
    alias("Zlib", "zlib", "zlib license", "zlib/libpng");
    alias("Unlicense", "unlicense", "the unlicense");
    alias("0BSD", "0bsd");
    alias("CC0-1.0", "cc0-1.0", "cc0", "cc0 1.0 universal");
    alias("Ruby", "ruby");
    alias("Artistic-2.0", "artistic-2.0", "artistic 2.0");
    alias("BSL-1.0", "bsl-1.0", "boost software license 1.0", "boost");
  }

  private Licenses() {}

  private static void alias(String spdx, String... names) {
    for (String name : names) {
      SPDX.put(name, spdx);
    }
  }

  /** The SPDX id for a declared license name, or the name itself (trimmed) when not in the table. */
  public static String normalize(String declared) {
    String trimmed = declared.trim();
    String key = trimmed.toLowerCase(Locale.ROOT);
    if (key.endsWith("/")) {
      key = key.substring(0, key.length() - 1);
    }
    return SPDX.getOrDefault(key, trimmed);
  }

  /** Normalises each non-blank name, dropping duplicates, keeping order. */
  public static List<String> normalizeAll(Iterable<String> declared) {
    List<String> result = new ArrayList<>();
    for (String name : declared) {
      if (name != null && !name.isBlank()) {
        String id = normalize(name);
        if (!result.contains(id)) {
          result.add(id);
        }
      }
    }
    return result;
  }
}

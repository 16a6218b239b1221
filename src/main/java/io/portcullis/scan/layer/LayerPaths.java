package io.portcullis.scan.layer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Path arithmetic inside a layer root. Every path handed out by this package is absolute and normal:
 * it starts with {@code /}, has no {@code .}/{@code ..}/empty segments and no trailing slash.
 * Written without regex: it runs for every tar entry.
 */
public final class LayerPaths {

  private LayerPaths() {}

  /**
   * Normalises a tar entry name (relative, {@code ./}-prefixed or absolute) to an absolute path, or
   * empty when its {@code ..} segments climb above the layer root (the entry would land outside).
   */
  public static Optional<String> normalizeEntry(String name) {
    Deque<String> segments = new ArrayDeque<>();
    if (!push(segments, name, false)) {
      return Optional.empty();
    }
    return Optional.of(join(segments));
  }

  /**
   * Resolves a symlink target against the directory holding the link, the way the kernel does inside a
   * container root: absolute targets start at the root and {@code ..} at the root stays at the root,
   * so the result never leaves the layer.
   */
  public static String resolveLinkTarget(String linkPath, String target) {
    Deque<String> segments = new ArrayDeque<>();
    if (!target.startsWith("/")) {
      push(segments, parent(linkPath), true);
    }
    push(segments, target, true);
    return join(segments);
  }

  /** Parent directory of a normal absolute path; the root's parent is the root. */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** Last segment of a normal absolute path. */
  public static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Whether {@code path} is {@code dir} itself or lies below it (both normal absolute paths). */
  public static boolean isAtOrUnder(String path, String dir) {
    if (dir.equals("/")) {
      return true;
    }
    return path.startsWith(dir) && (path.length() == dir.length() || path.charAt(dir.length()) == '/');
  }

  private static boolean push(Deque<String> segments, String path, boolean clampAtRoot) {
    int start = 0;
    int length = path.length();
    while (start <= length) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = length;
      }
      if (end > start) {
        String segment = path.substring(start, end);
        if (segment.equals("..")) {
          if (segments.isEmpty()) {
            if (!clampAtRoot) {
              return false;
            }
          } else {
            segments.removeLast();
          }
        } else if (!segment.equals(".")) {
          segments.addLast(segment);
        }
      }
      start = end + 1;
    }
    return true;
  }

  private static String join(Deque<String> segments) {
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder joined = new StringBuilder();
    for (String segment : segments) {
      joined.append('/').append(segment);
    }
    return joined.toString();
  }
}

package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Checks rows {@code "a OP b"} (OP one of {@code < = >}) against a comparator, in both directions. */
final class OrderingTable {

  private OrderingTable() {}

  static void assertRows(VersionComparator comparator, String... rows) {
    List<String> failures = new ArrayList<>();
    for (String row : rows) {
      String[] parts = row.trim().split("\\s+");
      if (parts.length != 3) {
        throw new IllegalArgumentException("bad table row: " + row);
      }
      check(comparator, parts[0], parts[1], parts[2], failures);
    }
    assertThat(failures).isEmpty();
  }

  static void check(VersionComparator comparator, String a, String op, String b, List<String> failures) {
    int expected = switch (op) {
      case "<" -> -1;
      case "=" -> 0;
      case ">" -> 1;
      default -> throw new IllegalArgumentException("bad operator " + op);
    };
    int forward = Integer.signum(comparator.compare(a, b));
    int backward = Integer.signum(comparator.compare(b, a));
    if (forward != expected || backward != -expected) {
      failures.add(a + " " + op + " " + b + " (got " + forward + ", reverse " + backward + ")");
    }
  }

  /** Every element is strictly older than the next one. */
  static void assertAscending(VersionComparator comparator, String... versions) {
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < versions.length; i++) {
      for (int j = i + 1; j < versions.length; j++) {
        check(comparator, versions[i], "<", versions[j], failures);
      }
    }
    assertThat(failures).isEmpty();
  }
}

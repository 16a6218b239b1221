package io.portcullis.scan.analyzer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses RFC 822 style "Field: value" paragraphs separated by blank lines, with continuation lines that
 * start with a space or tab: the format of dpkg status files and Python core metadata.
 */
final class ControlParagraphs {

  private ControlParagraphs() {}

  /** All paragraphs; field names as written, repeated fields joined with a newline. */
  static List<Map<String, String>> parse(String text) {
    List<Map<String, String>> paragraphs = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String lastField = null;
    int start = 0;
    int length = text.length();
    while (start < length) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = length;
      }
      String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
      start = end + 1;
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          paragraphs.add(current);
          current = new LinkedHashMap<>();
        }
        lastField = null;
      } else if (startsWithSpace(line)) {
        if (lastField != null) {
          current.merge(lastField, line.strip(), (a, b) -> a + "\n" + b);
        }
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          lastField = line.substring(0, colon);
          String value = line.substring(colon + 1).strip();
          current.merge(lastField, value, (a, b) -> a + "\n" + b);
        }
      }
    }
    if (!current.isEmpty()) {
      paragraphs.add(current);
    }
    return paragraphs;
  }

  /** Only the header block (up to the first blank line), e.g. of a Python METADATA file. */
  static Map<String, String> headers(String text) {
    int blank = text.indexOf("\n\n");
    int blankCrlf = text.indexOf("\r\n\r\n");
    int end = blank < 0 ? blankCrlf : blankCrlf < 0 ? blank : Math.min(blank, blankCrlf);
    List<Map<String, String>> first = parse(end < 0 ? text : text.substring(0, end));
    return first.isEmpty() ? Map.of() : first.getFirst();
  }

  private static boolean startsWithSpace(String line) {
    return !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
  }
}

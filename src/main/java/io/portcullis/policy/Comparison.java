package io.portcullis.policy;

import java.util.Arrays;

/** How a count is compared with a criterion's number; each has an ASCII and a mathematical spelling. */
public enum Comparison {
  EQ("=", "="), NE("!=", "≠"), LT("<", "<"), LE("<=", "≤"), GT(">", ">"), GE(">=", "≥");

  private final String ascii;
  private final String symbol;

  Comparison(String ascii, String symbol) {
    this.ascii = ascii;
    this.symbol = symbol;
  }

  /** @throws IllegalArgumentException for anything but =, !=, ≠, <, <=, ≤, >, >=, ≥ (and == for =) */
  public static Comparison parse(String text) {
    String op = text == null ? "" : text.strip();
    if (op.equals("==")) {
      return EQ;
    }
    return Arrays.stream(values()).filter(c -> c.ascii.equals(op) || c.symbol.equals(op)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("op '" + text + "' must be one of =, !=, <, <=, >, >= (or ≠, ≤, ≥)"));
  }

  public boolean test(long actual, long expected) {
    return switch (this) {
      case EQ -> actual == expected;
      case NE -> actual != expected;
      case LT -> actual < expected;
      case LE -> actual <= expected;
      case GT -> actual > expected;
      case GE -> actual >= expected;
    };
  }

  /** The ASCII spelling, as stored and returned. */
  public String ascii() {
    return ascii;
  }
}

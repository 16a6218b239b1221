package io.portcullis.shared;

import java.util.regex.Pattern;

/**
 * Shell-style name patterns as tag filters, promotion criteria and immutability rules spell them:
 * {@code *} is any run of characters, {@code ?} one character; nothing else is special.
 */
public final class Glob {
  private Glob() {}

  /** The pattern matching exactly the names the glob matches (use {@code matcher(name).matches()}). */
  public static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}

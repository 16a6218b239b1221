package io.portcullis.scan.version;

import java.util.Arrays;

/**
 * Alpine apk-tools (2.x, as shipped by every released Alpine branch) version ordering:
 * {@code number{.number}...{letter}{_suffix{number}}...{-rN}}.
 *
 * <p>The version is cut into tokens the way apk-tools' tokenizer does. Token values compare first;
 * a number after a dot that starts with zeros first yields a token worth minus the count of zeros, so
 * {@code 1.05 < 1.5} and {@code 1.00 < 1.0}. Suffixes {@code _alpha < _beta < _pre < _rc} sort below the
 * bare version, {@code _cvs < _svn < _git < _hg < _p} above it. When all shared tokens are equal the
 * version that continues is newer, unless it continues with a pre-release suffix; {@code -rN} is the
 * package revision ({@code 1.0 < 1.0-r0 < 1.0-r1}).
 */
public final class ApkVersionComparator implements VersionComparator {

  public static final ApkVersionComparator INSTANCE = new ApkVersionComparator();

  private static final String SCHEME = "apk";

  private static final int INVALID = -1;
  private static final int DIGIT_OR_ZERO = 0;
  private static final int DIGIT = 1;
  private static final int LETTER = 2;
  private static final int SUFFIX = 3;
  private static final int SUFFIX_NO = 4;
  private static final int REVISION_NO = 5;
  private static final int END = 6;

  private static final String[] PRE_SUFFIXES = {"alpha", "beta", "pre", "rc"};
  private static final String[] POST_SUFFIXES = {"cvs", "svn", "git", "hg", "p"};

  /** Values are longs; more digits than this could overflow and silently reorder. */
  private static final int MAX_DIGITS = 18;

  private ApkVersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version);
    Tokenizer t = new Tokenizer(text);
    int[] types = new int[8];
    long[] values = new long[8];
    int count = 0;
    int type = DIGIT;
    while (type != END && type != INVALID) {
      int readType = type;
      long value = t.read(type);
      type = t.type;
      if (type == INVALID) {
        break;
      }
      if (count == types.length) {
        types = Arrays.copyOf(types, count * 2);
        values = Arrays.copyOf(values, count * 2);
      }
      types[count] = readType;
      values[count] = value;
      count++;
    }
    if (type == INVALID) {
      throw new InvalidVersionException(SCHEME, text, "unexpected character at offset " + t.pos);
    }
    return new Apk(text, Arrays.copyOf(types, count), Arrays.copyOf(values, count));
  }

  /** Mirrors apk-tools' tokenizer: reads one token of the current type, then decides the next type. */
  private static final class Tokenizer {
    private final String s;
    int pos;
    int type;

    Tokenizer(String s) {
      this.s = s;
    }

    long read(int currentType) {
      type = currentType;
      if (pos >= s.length()) {
        type = END;
        return 0;
      }
      long value = 0;
      int next = INVALID;
      switch (currentType) {
        case DIGIT_OR_ZERO:
          if (s.charAt(pos) == '0') {
            int zeros = 0;
            while (pos < s.length() && s.charAt(pos) == '0') {
              pos++;
              zeros++;
            }
            value = -zeros;
            next = DIGIT;
            break;
          }
          value = readNumber();
          break;
        case DIGIT, SUFFIX_NO, REVISION_NO:
          value = readNumber();
          break;
        case LETTER:
          value = s.charAt(pos++);
          break;
        case SUFFIX: {
          int pre = matchAt(PRE_SUFFIXES);
          if (pre >= 0) {
            value = pre - PRE_SUFFIXES.length;
            break;
          }
          int post = matchAt(POST_SUFFIXES);
          if (post >= 0) {
            value = post;
            break;
          }
          type = INVALID;
          return -1;
        }
        default:
          type = INVALID;
          return -1;
      }
      if (type == INVALID) {
        return -1;
      }
      if (pos >= s.length()) {
        type = END;
      } else if (next != INVALID) {
        type = next;
      } else {
        advanceType();
      }
      return value;
    }

    private long readNumber() {
      int start = pos;
      long v = 0;
      while (pos < s.length() && Versions.isDigit(s.charAt(pos))) {
        if (pos - start >= MAX_DIGITS) {
          type = INVALID;
          return -1;
        }
        v = v * 10 + (s.charAt(pos++) - '0');
      }
      return v;
    }

    private int matchAt(String[] words) {
      for (int i = 0; i < words.length; i++) {
        if (s.startsWith(words[i], pos)) {
          pos += words[i].length();
          return i;
        }
      }
      return -1;
    }

    private void advanceType() {
      char c = s.charAt(pos);
      int n = INVALID;
      if ((type == DIGIT || type == DIGIT_OR_ZERO) && c >= 'a' && c <= 'z') {
        n = LETTER;
      } else if (type == LETTER && Versions.isDigit(c)) {
        n = DIGIT;
      } else if (type == SUFFIX && Versions.isDigit(c)) {
        n = SUFFIX_NO;
      } else {
        switch (c) {
          case '.' -> n = DIGIT_OR_ZERO;
          case '_' -> n = SUFFIX;
          case '-' -> {
            if (pos + 1 < s.length() && s.charAt(pos + 1) == 'r') {
              n = REVISION_NO;
              pos++;
            }
          }
          default -> n = INVALID;
        }
        pos++;
      }
      if (n < type) {
        boolean allowedStepBack = (n == DIGIT_OR_ZERO && type == DIGIT)
            || (n == SUFFIX && type == SUFFIX_NO)
            || (n == DIGIT && type == LETTER);
        if (!allowedStepBack) {
          n = INVALID;
        }
      }
      type = n;
    }
  }

  /**
   * Pre-tokenized version: {@code types[k]} is the type token k was read as, {@code values[k]} its value;
   * after the last token the type is END (invalid versions are rejected by {@link #parse}).
   */
  private record Apk(String text, int[] types, long[] values) implements ParsedVersion {

    private int typeAt(int k) {
      return k < types.length ? types[k] : END;
    }

    @Override
    public int compareTo(ParsedVersion o) {
      Apk other = Versions.sameScheme(Apk.class, o);
      int at = typeAt(0);
      int bt = other.typeAt(0);
      long av = 0;
      long bv = 0;
      int k = 0;
      while (at == bt && at != END && av == bv) {
        av = values[k];
        bv = other.values[k];
        k++;
        at = typeAt(k);
        bt = other.typeAt(k);
      }
      if (av != bv) {
        return av < bv ? -1 : 1;
      }
      if (at == bt) {
        return 0;
      }
      if (at == SUFFIX && values[k] < 0) {
        return -1;
      }
      if (bt == SUFFIX && other.values[k] < 0) {
        return 1;
      }
      return at > bt ? -1 : 1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Apk a && text.equals(a.text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }
}

package io.portcullis.scan.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maven artifact version ordering with the semantics of Maven's {@code ComparableVersion}.
 *
 * <p>The version is lower-cased and split at {@code .} and {@code -} and at every switch between digits
 * and letters (a switch acts as {@code -}); each {@code -} opens a nested sub-list. Numbers compare
 * numerically (any size); trailing "null" items ({@code 0}, {@code ""}, {@code ga}, {@code final},
 * {@code release}) are dropped, so {@code 1.0 == 1 == 1.0.0 == 1-ga}. Qualifiers order
 * {@code alpha < beta < milestone < rc == cr < snapshot < "" == ga == final == release < sp}, and any
 * other qualifier sorts after those, alphabetically; {@code a1}, {@code b1}, {@code m1} are
 * {@code alpha-1}, {@code beta-1}, {@code milestone-1}. A number sorts above any qualifier, and
 * a qualifier below a sub-list.
 */
public final class MavenVersionComparator implements VersionComparator {

  public static final MavenVersionComparator INSTANCE = new MavenVersionComparator();

  private static final String SCHEME = "maven";

  private static final String[] QUALIFIERS = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  private static final int RELEASE_RANK = 5;

  private MavenVersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version);
    String v = text.strip().toLowerCase(Locale.ROOT);
    if (v.isEmpty()) {
      throw new InvalidVersionException(SCHEME, text, "version is blank");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new InvalidVersionException(SCHEME, text, "control or space character at offset " + i);
      }
    }
    return new Maven(text, parseItems(v));
  }

  private static ListItem parseItems(String v) {
    ListItem root = new ListItem();
    ListItem list = root;
    List<ListItem> stack = new ArrayList<>();
    stack.add(list);
    boolean digit = false;
    int start = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '.') {
        list.items.add(i == start ? IntItem.ZERO : item(v.substring(start, i), digit));
        start = i + 1;
      } else if (c == '-') {
        list.items.add(i == start ? IntItem.ZERO : item(v.substring(start, i), digit));
        start = i + 1;
        ListItem sub = new ListItem();
        list.items.add(sub);
        list = sub;
        stack.add(list);
      } else if (Versions.isDigit(c)) {
        if (!digit && i > start) {
          list.items.add(new StringItem(v.substring(start, i), true));
          start = i;
          ListItem sub = new ListItem();
          list.items.add(sub);
          list = sub;
          stack.add(list);
        }
        digit = true;
      } else {
        if (digit && i > start) {
          list.items.add(item(v.substring(start, i), true));
          start = i;
          ListItem sub = new ListItem();
          list.items.add(sub);
          list = sub;
          stack.add(list);
        }
        digit = false;
      }
    }
    if (v.length() > start) {
      list.items.add(item(v.substring(start), digit));
    }
    for (int i = stack.size() - 1; i >= 0; i--) {
      stack.get(i).normalize();
    }
    return root;
  }

  /** An item ended by a separator or the end; only a digit transition marks "followed by digit". */
  private static Item item(String text, boolean digit) {
    return digit ? new IntItem(text) : new StringItem(text, false);
  }

  private record Maven(String text, ListItem items) implements ParsedVersion {
    @Override
    public int compareTo(ParsedVersion o) {
      return items.compareTo(Versions.sameScheme(Maven.class, o).items);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Maven m && compareTo(m) == 0;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  private sealed interface Item permits IntItem, StringItem, ListItem {
    /** Compares with another item; {@code null} stands for a missing item (padding). */
    int compareTo(Item other);

    boolean isNull();
  }

  private static final class IntItem implements Item {
    static final IntItem ZERO = new IntItem("0");
    private final String digits;

    IntItem(String digits) {
      int i = 0;
      while (i < digits.length() - 1 && digits.charAt(i) == '0') {
        i++;
      }
      this.digits = digits.substring(i);
    }

    @Override
    public boolean isNull() {
      return digits.equals("0");
    }

    @Override
    public int compareTo(Item other) {
      if (other == null) {
        return isNull() ? 0 : 1;
      }
      return switch (other) {
        case IntItem i -> Versions.compareDigits(digits, i.digits);
        case StringItem s -> 1;
        case ListItem l -> 1;
      };
    }
  }

  private static final class StringItem implements Item {
    private final String comparable;

    StringItem(String value, boolean followedByDigit) {
      if (followedByDigit && value.length() == 1) {
        value = switch (value.charAt(0)) {
          case 'a' -> "alpha";
          case 'b' -> "beta";
          case 'm' -> "milestone";
          default -> value;
        };
      }
      value = switch (value) {
        case "ga", "final", "release" -> "";
        case "cr" -> "rc";
        default -> value;
      };
      this.comparable = comparableQualifier(value);
    }

    /** Known qualifiers become their rank digit; unknown ones sort after all of them, alphabetically. */
    private static String comparableQualifier(String qualifier) {
      for (int i = 0; i < QUALIFIERS.length; i++) {
        if (QUALIFIERS[i].equals(qualifier)) {
          return Integer.toString(i);
        }
      }
      return QUALIFIERS.length + "-" + qualifier;
    }

    @Override
    public boolean isNull() {
      return comparable.equals(Integer.toString(RELEASE_RANK));
    }

    @Override
    public int compareTo(Item other) {
      if (other == null) {
        return Integer.signum(comparable.compareTo(Integer.toString(RELEASE_RANK)));
      }
      return switch (other) {
        case IntItem i -> -1;
        case StringItem s -> Integer.signum(comparable.compareTo(s.comparable));
        case ListItem l -> -1;
      };
    }
  }

  private static final class ListItem implements Item {
    final List<Item> items = new ArrayList<>();

    void normalize() {
      for (int i = items.size() - 1; i >= 0; i--) {
        Item last = items.get(i);
        if (last.isNull()) {
          items.remove(i);
        } else if (!(last instanceof ListItem)) {
          break;
        }
      }
    }

    @Override
    public boolean isNull() {
      return items.isEmpty();
    }

    @Override
    public int compareTo(Item other) {
      if (other == null) {
        return items.isEmpty() ? 0 : items.get(0).compareTo(null);
      }
      return switch (other) {
        case IntItem i -> -1;
        case StringItem s -> 1;
        case ListItem l -> compareLists(l);
      };
    }

    private int compareLists(ListItem other) {
      int n = Math.max(items.size(), other.items.size());
      for (int i = 0; i < n; i++) {
        Item left = i < items.size() ? items.get(i) : null;
        Item right = i < other.items.size() ? other.items.get(i) : null;
        int c;
        if (left == null) {
          c = right == null ? 0 : -right.compareTo(null);
        } else {
          c = left.compareTo(right);
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }
}

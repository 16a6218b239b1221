package io.portcullis.policy;

import io.portcullis.shared.Tag;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tag a promoted image gets in the target: text with placeholders {@code {tag}} (the source tag),
 * {@code {digest}} (the hex of the digest; a tag cannot hold its {@code :}), {@code {digest:N}} (its first
 * N hex digits), {@code {date}} / {@code {date:PATTERN}} (the promotion's UTC date, {@code yyyyMMdd} by
 * default, any {@link DateTimeFormatter} pattern), {@code {platform}} ({@code os-arch[-variant]} of an
 * image, {@code multi} for an index) and {@code {n}} (the policy's promotion count, from 1).
 */
public record TagTemplate(String template) {
  // Before SAME: constructing it uses the pattern.
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)(?::([^}]*))?}");
  public static final TagTemplate SAME = new TagTemplate("{tag}");

  /** What a template is filled with. */
  public record Values(String tag, String digestHex, Instant at, String platform, long n) {}

  /** @throws IllegalArgumentException for an unknown placeholder, a bad date pattern, or text no tag can be */
  public TagTemplate {
    if (template == null || template.isBlank()) {
      template = "{tag}";
    }
    if (template.length() > 256) {
      throw new IllegalArgumentException("tag template is longer than 256 characters");
    }
    String sample = render(template, new Values("t", "0".repeat(64), Instant.EPOCH, "linux-amd64", 1));
    if (!Tag.isValid(sample)) {
      throw new IllegalArgumentException("tag template '" + template + "' does not make valid tags (letters, "
          + "digits, '_', '.', '-'; first not '.' or '-'; at most 128), e.g. '" + sample + "'");
    }
  }

  /** Whether the template needs the image's platform, read from its config only then. */
  public boolean usesPlatform() {
    return template.contains("{platform}");
  }

  /** Whether the template numbers promotions ({@code {n}}): the number is then taken under the policy's lock. */
  public boolean usesCount() {
    return template.contains("{n}");
  }

  /** The target tag; empty when the filled-in text is not a valid tag (too long, say). */
  public Optional<Tag> apply(Values values) {
    String name = render(template, values);
    return Tag.isValid(name) ? Optional.of(new Tag(name)) : Optional.empty();
  }

  private static String render(String template, Values v) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String argument = m.group(2);
      String value = switch (m.group(1)) {
        case "tag" -> noArgument(m, v.tag());
        case "digest" -> argument == null ? v.digestHex() : v.digestHex().substring(0, length(argument));
        case "date" -> date(argument == null ? "yyyyMMdd" : argument).format(v.at());
        case "platform" -> noArgument(m, v.platform());
        case "n" -> noArgument(m, Long.toString(v.n()));
        default -> throw new IllegalArgumentException("unknown placeholder " + m.group()
            + " (known: {tag}, {digest}, {digest:N}, {date}, {date:PATTERN}, {platform}, {n})");
      };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String noArgument(Matcher m, String value) {
    if (m.group(2) != null) {
      throw new IllegalArgumentException("placeholder " + m.group() + " takes no argument");
    }
    return value;
  }

  private static int length(String argument) {
    try {
      int n = Integer.parseInt(argument);
      if (n >= 1 && n <= 64) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("{digest:N} needs N from 1 to 64, not '" + argument + "'");
  }

  private static DateTimeFormatter date(String pattern) {
    try {
      return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("{date:" + pattern + "} is not a date pattern: " + e.getMessage());
    }
  }
}

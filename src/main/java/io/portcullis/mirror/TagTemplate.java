package io.portcullis.mirror;

import io.portcullis.shared.Tag;

/**
 * How an upstream tag is named in the mirror: {@code {tag}} is replaced by the upstream tag
 * ({@code {tag}-hub}, {@code upstream-{tag}}); the default {@code {tag}} keeps names as they are.
 */
public record TagTemplate(String template) {
  public static final TagTemplate SAME = new TagTemplate("{tag}");

  /** @throws IllegalArgumentException when the template lacks {@code {tag}} or cannot make a valid tag */
  public TagTemplate {
    if (template == null || template.isBlank()) {
      template = "{tag}";
    }
    if (!template.contains("{tag}")) {
      throw new IllegalArgumentException("tag template '" + template + "' must contain {tag}");
    }
    String sample = template.replace("{tag}", "t");
    if (!Tag.isValid(sample)) {
      throw new IllegalArgumentException("tag template '" + template + "' does not make valid tags ("
          + "letters, digits, '_', '.', '-'; first not '.' or '-'; at most 128)");
    }
  }

  /** The local tag for an upstream tag; an empty result when it would be too long a tag. */
  public java.util.Optional<Tag> apply(String upstreamTag) {
    String name = template.replace("{tag}", upstreamTag);
    return Tag.isValid(name) ? java.util.Optional.of(new Tag(name)) : java.util.Optional.empty();
  }
}

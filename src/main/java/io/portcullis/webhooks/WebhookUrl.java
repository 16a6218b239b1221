package io.portcullis.webhooks;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The form a webhook URL must have; which addresses it may reach is {@link io.portcullis.shared.NetworkPolicy}'s. */
final class WebhookUrl {
  /** Longest URL a webhook may have. */
  static final int MAX_LENGTH = 2048;

  private WebhookUrl() {}

  /**
   * Checks the form of a webhook URL: {@code http} or {@code https} with a host and neither user info nor a fragment.
   *
   * @throws WebhookException (invalid) naming what is wrong
   */
  static URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw WebhookException.invalid("url is required");
    }
    if (url.length() > MAX_LENGTH) {
      throw WebhookException.invalid("url is longer than " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw WebhookException.invalid("url is not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw WebhookException.invalid("url must be http:// or https://");
    }
    if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
      throw WebhookException.invalid("url must not contain user info (user:password@); sign the deliveries instead");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw WebhookException.invalid("url has no host");
    }
    if (uri.getRawFragment() != null) {
      throw WebhookException.invalid("url must not have a fragment (#…): it is never sent");
    }
    return uri;
  }

}

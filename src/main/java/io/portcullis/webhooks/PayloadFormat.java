package io.portcullis.webhooks;

/** How a delivery's body is written (docs/webhooks.md has both schemas). */
public enum PayloadFormat {
  /** Portcullis' own JSON object, versioned by its {@code version} field. */
  PORTCULLIS("portcullis", "application/json"),
  /** A CloudEvents 1.0 event in structured mode, the Portcullis object as its {@code data}. */
  CLOUDEVENTS("cloudevents", "application/cloudevents+json");

  private final String wireName;
  private final String contentType;

  PayloadFormat(String wireName, String contentType) {
    this.wireName = wireName;
    this.contentType = contentType;
  }

  public String wireName() {
    return wireName;
  }

  /** The media type of the request body. */
  public String contentType() {
    return contentType;
  }

  /** @throws WebhookException (invalid) for any other spelling */
  public static PayloadFormat fromWireName(String name) {
    for (PayloadFormat format : values()) {
      if (format.wireName.equals(name)) {
        return format;
      }
    }
    throw WebhookException.invalid("format must be portcullis or cloudevents, not '" + name + "'");
  }
}

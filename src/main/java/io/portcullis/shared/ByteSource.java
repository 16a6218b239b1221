package io.portcullis.shared;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A body that arrives in buffers (a request body, a file). Lets the domain stream content without
 * knowing the transport, and without an extra copy: buffers are lent to the sink only for the call.
 */
@FunctionalInterface
public interface ByteSource {
  void forEach(Sink sink) throws IOException;

  @FunctionalInterface
  interface Sink {
    void accept(ByteBuffer buffer) throws IOException;
  }

  ByteSource EMPTY = sink -> {};

  static ByteSource of(byte[] bytes) {
    return sink -> sink.accept(ByteBuffer.wrap(bytes));
  }
}

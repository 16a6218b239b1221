package io.portcullis.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One HTTP exchange with a blocking API (handlers run on virtual threads). The only place besides
 * {@link HttpServer} that touches Jetty; endpoints talk to this.
 */
public final class Exchange {
  /** Largest window of a file mapped at once when sending it. */
  private static final long MAP_WINDOW = 64L << 20;
  /** Most of a refused request body read and discarded to keep the connection usable (as Tomcat's swallow). */
  static final long MAX_DRAINED_BYTES = 8L << 20;

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final String requestId;
  private final TrustedProxies proxies;
  private java.net.InetAddress client;
  private String user;
  private String repository;
  private Fields query;
  private boolean completed;
  private long bytesIn;
  private long bytesOut;
  private String route = "other";
  private String failure;
  private boolean bodyRead;

  Exchange(Request request, Response response, Callback callback, String requestId, TrustedProxies proxies) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.requestId = requestId;
    this.proxies = proxies;
  }

  public String method() {
    return request.getMethod();
  }

  public String path() {
    return request.getHttpURI().getDecodedPath();
  }

  public String requestId() {
    return requestId;
  }

  public String clientAddress() {
    return clientInetAddress().getHostAddress();
  }

  /** The client's address, as a trusted reverse proxy reports it ({@link TrustedProxies}). */
  public java.net.InetAddress clientInetAddress() {
    if (client == null) {
      java.net.InetAddress connection =
          request.getConnectionMetaData().getRemoteSocketAddress() instanceof java.net.InetSocketAddress a
              ? a.getAddress() : java.net.InetAddress.getLoopbackAddress();
      client = proxies.client(connection, request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR));
    }
    return client;
  }

  /** Who the request was authenticated as, for the access log. */
  public void user(String name) {
    this.user = name;
  }

  public String user() {
    return user;
  }

  /** The repository the request is about, for the access log. */
  public void repository(String name) {
    this.repository = name;
  }

  public String repository() {
    return repository;
  }

  public boolean isSecure() {
    return request.isSecure();
  }

  /** Scheme and authority the client used, e.g. {@code https://registry.example.com}. */
  public String baseUrl() {
    var uri = request.getHttpURI();
    String scheme = uri.getScheme() == null ? (isSecure() ? "https" : "http") : uri.getScheme();
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (host == null) {
      host = Request.getServerName(request) + ":" + Request.getServerPort(request);
    }
    return scheme + "://" + host;
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  public String header(HttpHeader name) {
    return request.getHeaders().get(name);
  }

  public long contentLength() {
    return request.getLength();
  }

  /** The query string exactly as sent (still percent-encoded), or null. */
  public String rawQuery() {
    return request.getHttpURI().getQuery();
  }

  public String query(String name) {
    return queryFields().getValue(name);
  }

  /** The names of the query parameters sent. */
  public java.util.Set<String> queryNames() {
    return queryFields().getNames();
  }

  /** Every value of a repeated query parameter, in order. */
  public java.util.List<String> queryValues(String name) {
    java.util.List<String> values = queryFields().getValues(name);
    return values == null ? java.util.List.of() : values;
  }

  /** Parsed on first use: most requests never look at their query. */
  private Fields queryFields() {
    if (query == null) {
      query = Request.extractQueryParameters(request);
    }
    return query;
  }

  /** Why the request was refused, for the single log line that reports it. */
  public void failure(String reason) {
    this.failure = reason;
  }

  public String failure() {
    return failure;
  }

  public void route(String name) {
    this.route = name;
  }

  public String route() {
    return route;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public int status() {
    return response.getStatus();
  }

  public boolean isCompleted() {
    return completed;
  }

  public Exchange status(int status) {
    response.setStatus(status);
    return this;
  }

  public Exchange header(String name, String value) {
    response.getHeaders().put(name, value);
    return this;
  }

  public Exchange addHeader(String name, String value) {
    response.getHeaders().add(new HttpField(name, value));
    return this;
  }

  /** The request body, streamed in the buffers the server received it in. */
  public ByteSource body() {
    return sink -> {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          try (Blocker.Runnable demand = Blocker.runnable()) {
            request.demand(demand);
            demand.block();
          }
          continue;
        }
        try {
          if (Content.Chunk.isFailure(chunk)) {
            Throwable failure = chunk.getFailure();
            throw failure instanceof IOException io ? io : new IOException(failure);
          }
          ByteBuffer buffer = chunk.getByteBuffer();
          bytesIn += buffer.remaining();
          if (buffer.hasRemaining()) {
            sink.accept(buffer);
          }
          if (chunk.isLast()) {
            bodyRead = true;
            return;
          }
        } finally {
          chunk.release();
        }
      }
    };
  }

  /** Reads the whole body, refusing more than {@code limit} bytes. */
  public byte[] readBody(int limit) throws IOException {
    long declared = contentLength();
    if (declared > limit) {
      throw new BodyTooLargeException(limit);
    }
    var out = new java.io.ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
    body().forEach(buffer -> {
      if (out.size() + buffer.remaining() > limit) {
        throw new BodyTooLargeException(limit);
      }
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      out.write(bytes);
    });
    return out.toByteArray();
  }

  public void send(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    boolean head = "HEAD".equals(method());
    write(head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), true);
    bytesOut += head ? 0 : body.length;
  }

  /**
   * Starts a body of {@code length} bytes that {@link #writeBody} sends piece by piece (a blob as it
   * arrives from elsewhere). A failure thrown before the last piece aborts the connection.
   */
  public void startBody(int status, String contentType, long length) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
  }

  /** One piece of a body begun with {@link #startBody}; {@code last} ends it. */
  public void writeBody(ByteBuffer buffer, boolean last) throws IOException {
    int n = buffer.remaining();
    write(buffer, last);
    bytesOut += n;
  }

  /**
   * Ends a body begun with {@link #startBody} short, dropping the connection, so the client sees a
   * broken transfer rather than a complete one; the request is logged with its {@link #failure}.
   */
  public void abort(Throwable cause) {
    fail(cause);
  }

  /** Sends headers only, declaring {@code length} as the Content-Length (HEAD and empty answers). */
  public void sendEmpty(int status, long length) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    write(ByteBuffer.allocate(0), true);
  }

  public void sendJson(int status, ObjectMapper mapper, Object body) throws IOException {
    send(status, "application/json", mapper.writeValueAsBytes(body));
  }

  /**
   * Sends a listing with a strong {@code ETag} of its bytes, or {@code 304} without a body when the
   * request's {@code If-None-Match} names that tag: a mirror polling an unchanged listing then
   * transfers nothing.
   */
  public void sendJsonListing(ObjectMapper mapper, Object body) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    String etag = "\"" + Digest.sha256(bytes).hex() + "\"";
    response.getHeaders().put(HttpHeader.ETAG, etag);
    String ifNoneMatch = header(HttpHeader.IF_NONE_MATCH);
    if (ifNoneMatch != null && java.util.Arrays.stream(ifNoneMatch.split(","))
        .map(String::strip).anyMatch(candidate -> candidate.equals(etag) || candidate.equals("W/" + etag))) {
      response.setStatus(304);
      write(ByteBuffer.allocate(0), true);
      return;
    }
    send(200, "application/json", bytes);
  }

  public void sendText(int status, String contentType, String body) throws IOException {
    send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends {@code length} bytes of a file from {@code offset}, mapping it in windows so the kernel copies
   * page cache straight to the socket.
   */
  public void sendFile(int status, String contentType, Path file, long offset, long length) throws IOException {
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    if ("HEAD".equals(method()) || length == 0) {
      write(ByteBuffer.allocate(0), true);
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = offset;
      long end = offset + length;
      while (position < end) {
        long window = Math.min(MAP_WINDOW, end - position);
        ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, position, window);
        position += window;
        write(mapped, position >= end);
        bytesOut += window;
      }
    }
  }

  private void write(ByteBuffer buffer, boolean last) throws IOException {
    if (!response.isCommitted() && !bodyRead && hasBody() && !drainUnreadBody()) {
      // Too much left to swallow: the client must not reuse the connection while the rest of the body
      // may still be on the wire.
      response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close");
    }
    try (Blocker.Callback done = Blocker.callback()) {
      response.write(last, buffer, done);
      done.block();
    } catch (InterruptedIOException e) {
      throw e;
    }
    if (last) {
      complete();
    }
  }

  /**
   * Reads and discards what is left of a body that is being refused, up to {@link #MAX_DRAINED_BYTES}.
   * Closing a socket with unread data in its receive buffer makes the kernel send a reset, which can
   * destroy the answer before the client reads it; swallowing the rest lets the client see why it was
   * refused and keep the connection. A client waiting for {@code 100 Continue} has sent nothing, so
   * nothing is drained (reading would invite the body).
   *
   * @return whether the whole body was read
   */
  private boolean drainUnreadBody() {
    if (request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
      return false;
    }
    long declared = request.getLength();
    if (declared > MAX_DRAINED_BYTES) {
      return false;
    }
    long drained = 0;
    try {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          try (Blocker.Runnable demand = Blocker.runnable()) {
            request.demand(demand);
            demand.block();
          }
          continue;
        }
        try {
          if (Content.Chunk.isFailure(chunk)) {
            return false;
          }
          drained += chunk.getByteBuffer().remaining();
          if (chunk.isLast()) {
            bodyRead = true;
            return true;
          }
          if (drained > MAX_DRAINED_BYTES) {
            return false;
          }
        } finally {
          chunk.release();
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private boolean hasBody() {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /** Finishes the exchange; further writes are errors. */
  void complete() {
    if (!completed) {
      completed = true;
      callback.succeeded();
    }
  }

  void fail(Throwable failure) {
    if (!completed) {
      completed = true;
      callback.failed(failure);
    }
  }

  boolean isCommitted() {
    return response.isCommitted();
  }

  /** The body is larger than the endpoint accepts. */
  public static final class BodyTooLargeException extends RuntimeException {
    public BodyTooLargeException(long limit) {
      super("request body exceeds " + limit + " bytes", null, false, false);
    }
  }
}

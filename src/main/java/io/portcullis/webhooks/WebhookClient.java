package io.portcullis.webhooks;

import io.portcullis.shared.IpNetwork;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends one delivery: an HTTP/1.1 POST over a new connection to an address the caller has already
 * checked, never to whatever a second DNS lookup would say. The URL's host still names the server: it
 * is the {@code Host} header, the TLS server name (SNI) and the name the certificate must match. Only
 * the status, the headers and the first {@value #BODY_HEAD_BYTES} bytes of the body are read; redirects
 * are never followed (a 3xx is just an answer). The JDK's HTTP clients cannot be told which address to
 * connect to, hence this small client.
 */
final class WebhookClient {
  /** How much of a response body the delivery log keeps. */
  static final int BODY_HEAD_BYTES = 1024;
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final SSLSocketFactory tls;

  /** @param tls how HTTPS connections are made (the JVM's default trust store in production) */
  WebhookClient(SSLSocketFactory tls) {
    this.tls = tls;
  }

  /**
   * An answer: status, headers (lower-case names, first value of each) and the start of the body.
   */
  record Response(int status, Map<String, String> headers, byte[] bodyHead) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * POSTs {@code body} to {@code url} at {@code address}.
   *
   * @param headers request headers besides {@code Host}, {@code Content-Length} and {@code Connection}
   * @param timeout the longest the connection may take to open, and then the longest until the answer is
   *                in (TLS handshake and request included)
   * @throws IOException when no answer came: refused, reset, TLS failure, or a {@link SocketTimeoutException}
   */
  Response post(URI url, InetAddress address, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    boolean https = url.getScheme().equalsIgnoreCase("https");
    int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
    String host = url.getHost();
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(address, port), (int) Math.max(1, timeout.toMillis()));
      long deadline = System.nanoTime() + timeout.toNanos();
      if (https) {
        socket = handshake(socket, host, port, deadline);
      }
      // The body is a small JSON document, so writing it fits the socket's buffer and cannot stall past
      // the deadline; the reads below each wait only for what is left of it.
      OutputStream out = socket.getOutputStream();
      out.write(head(url, headers, body.length));
      out.write(body);
      out.flush();
      return read(new BufferedInputStream(new DeadlineStream(socket, deadline)));
    } finally {
      socket.close();
    }
  }

  private Socket handshake(Socket plain, String host, int port, long deadline) throws IOException {
    boolean literal = IpNetwork.literal(host) != null;
    String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    SSLSocket ssl = (SSLSocket) tls.createSocket(plain, name, port, true);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!literal) {
      parameters.setServerNames(List.of(new SNIHostName(name)));
    }
    ssl.setSSLParameters(parameters);
    ssl.setSoTimeout(remainingMillis(deadline));
    ssl.startHandshake();
    return ssl;
  }

  /** The {@code Host} header of a request to {@code url}: the port only when it is not the scheme's default. */
  static String hostHeader(URI url) {
    int defaultPort = url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    return url.getHost() + (url.getPort() >= 0 && url.getPort() != defaultPort ? ":" + url.getPort() : "");
  }

  private static byte[] head(URI url, Map<String, String> headers, int length) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(hostHeader(url)).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Response read(InputStream in) throws IOException {
    int[] budget = {MAX_HEADER_BYTES};
    while (true) {
      String statusLine = line(in, budget);
      String[] parts = statusLine.split(" ", 3);
      int status;
      try {
        status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
      } catch (NumberFormatException e) {
        status = -1;
      }
      if (status < 100 || status > 999) {
        throw new IOException("the answer is not HTTP: " + abbreviate(statusLine));
      }
      Map<String, String> headers = new HashMap<>();
      for (String line = line(in, budget); !line.isEmpty(); line = line(in, budget)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
      // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
      if (status < 200 && status != 101) {
        continue;
      }
      return new Response(status, Map.copyOf(headers), bodyHead(in, status, headers));
    }
  }

  /** As much of the body as the log keeps; a body that breaks off still leaves the answer's status. */
  private static byte[] bodyHead(InputStream in, int status, Map<String, String> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (status == 204 || status == 304 || status == 101) {
      return out.toByteArray();
    }
    try {
      String encoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
      if (encoding.contains("chunked")) {
        int[] budget = {MAX_HEADER_BYTES};
        while (out.size() < BODY_HEAD_BYTES) {
          String size = line(in, budget);
          int semicolon = size.indexOf(';');
          long length = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
          if (length == 0 || copy(in, out, length) < length) {
            break;
          }
          line(in, budget);
        }
      } else {
        String declared = headers.get("content-length");
        copy(in, out, declared == null ? BODY_HEAD_BYTES : Long.parseLong(declared.trim()));
      }
    } catch (IOException | NumberFormatException e) {
      // What arrived is kept; the answer counts by its status.
    }
    return out.toByteArray();
  }

  /** Copies up to {@code length} bytes, stopping when the head is full or the stream ends; returns the count. */
  private static long copy(InputStream in, ByteArrayOutputStream out, long length) throws IOException {
    long copied = 0;
    byte[] buffer = new byte[BODY_HEAD_BYTES];
    while (copied < length && out.size() < BODY_HEAD_BYTES) {
      int n = in.read(buffer, 0, (int) Math.min(length - copied, BODY_HEAD_BYTES - out.size()));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  private static String line(InputStream in, int[] budget) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the connection closed before the answer was complete");
      }
      if (--budget[0] < 0) {
        throw new IOException("the answer's headers exceed " + MAX_HEADER_BYTES + " bytes");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "…" : text;
  }

  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("no answer in time");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  /** The socket's input, each read waiting no longer than what is left until the deadline. */
  private static final class DeadlineStream extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    DeadlineStream(Socket socket, long deadline) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      socket.setSoTimeout(remainingMillis(deadline));
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      socket.setSoTimeout(remainingMillis(deadline));
      return in.read(b, off, len);
    }
  }
}

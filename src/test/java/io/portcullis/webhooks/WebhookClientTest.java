package io.portcullis.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery client against a raw socket server, so both what it sends and odd answers are exact. */
class WebhookClientTest {
  private final WebhookClient client = new WebhookClient((SSLSocketFactory) SSLSocketFactory.getDefault());
  private ServerSocket server;
  private InetAddress loopback;

  @BeforeEach
  void listen() throws Exception {
    loopback = InetAddress.getByName("127.0.0.1");
    server = new ServerSocket(0, 10, loopback);
  }

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  /** Answers one connection with {@code answer} once the request is in; returns the request as received. */
  private CompletableFuture<String> answerOnce(String answer) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket socket = server.accept()) {
        String request = readRequest(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return request;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String readRequest(InputStream in) throws Exception {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    int contentLength = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      received.write(b);
      String text = received.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        if (contentLength < 0) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
          contentLength = m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
        if (received.size() - end - 4 >= contentLength) {
          return text;
        }
      }
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  private URI url(String path) {
    return URI.create("http://hooks.example.test:" + server.getLocalPort() + path);
  }

  @Test
  void postsToTheCheckedAddressWithTheUrlsHostAndReadsTheAnswer() throws Exception {
    CompletableFuture<String> request = answerOnce("HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\nthanks");
    WebhookClient.Response response = client.post(url("/in?team=ci"), loopback,
        Map.of("Content-Type", "application/json", "webhook-id", "evt_1"), "{\"a\":1}".getBytes(), Duration.ofSeconds(5));
    assertThat(response.status()).isEqualTo(202);
    assertThat(new String(response.bodyHead())).as("only Content-Length bytes").isEqualTo("thank");
    String sent = request.get(5, TimeUnit.SECONDS);
    assertThat(sent).startsWith("POST /in?team=ci HTTP/1.1\r\n")
        .contains("Host: hooks.example.test:" + server.getLocalPort() + "\r\n")
        .contains("webhook-id: evt_1\r\n").contains("Content-Length: 7\r\n").contains("Connection: close\r\n")
        .endsWith("\r\n\r\n{\"a\":1}");
  }

  @Test
  void neverFollowsARedirectButReportsWhereItPointed() throws Exception {
    answerOnce("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\nContent-Length: 0\r\n\r\n");
    WebhookClient.Response response = client.post(url("/"), loopback, Map.of(), new byte[0], Duration.ofSeconds(5));
    assertThat(response.status()).isEqualTo(302);
    assertThat(response.header("Location")).isEqualTo("http://169.254.169.254/latest/meta-data");
    assertThat(server.isClosed()).isFalse();
  }

  @Test
  void keepsOnlyTheFirstKibibyteOfAChunkedBodyAndSkipsInterimAnswers() throws Exception {
    String big = "x".repeat(700);
    answerOnce("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(700) + "\r\n" + big + "\r\n" + Integer.toHexString(700) + "\r\n" + big + "\r\n0\r\n\r\n");
    WebhookClient.Response response = client.post(url("/"), loopback, Map.of(), new byte[0], Duration.ofSeconds(5));
    assertThat(response.status()).isEqualTo(500);
    assertThat(response.bodyHead()).hasSize(WebhookClient.BODY_HEAD_BYTES);
  }

  @Test
  void aBodyThatBreaksOffStillLeavesTheStatus() throws Exception {
    answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    WebhookClient.Response response = client.post(url("/"), loopback, Map.of(), new byte[0], Duration.ofSeconds(5));
    assertThat(response.status()).isEqualTo(200);
    assertThat(new String(response.bodyHead())).isEqualTo("partial");
  }

  @Test
  void aReceiverThatNeverAnswersTimesOut() throws Exception {
    CompletableFuture<Void> hang = CompletableFuture.runAsync(() -> {
      try (Socket socket = server.accept()) {
        readRequest(socket.getInputStream());
        Thread.sleep(5_000);
      } catch (Exception e) {
        // the client hung up
      }
    });
    long started = System.nanoTime();
    assertThatThrownBy(() -> client.post(url("/"), loopback, Map.of(), new byte[0], Duration.ofMillis(500)))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    hang.cancel(true);
  }

  @Test
  void somethingThatIsNotHttpIsAnError() throws Exception {
    answerOnce("SSH-2.0-OpenSSH_9.2\r\n");
    assertThatThrownBy(() -> client.post(url("/"), loopback, Map.of(), new byte[0], Duration.ofSeconds(5)))
        .hasMessageContaining("not HTTP");
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port = server.getLocalPort();
    server.close();
    assertThatThrownBy(() -> client.post(URI.create("http://127.0.0.1:" + port + "/"), loopback, Map.of(), new byte[0],
        Duration.ofSeconds(2))).isInstanceOf(java.net.ConnectException.class);
  }
}

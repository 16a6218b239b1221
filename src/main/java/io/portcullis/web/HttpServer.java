package io.portcullis.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import io.portcullis.shared.RegistryError;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.http.HttpHeader;
import java.nio.ByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP server: Jetty's core API with every request on its own virtual thread, optional TLS, and a
 * graceful stop that lets in-flight requests finish. Routing is by path prefix.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final Logger access = LoggerFactory.getLogger("io.portcullis.access");

  /** A handler of all requests under one path prefix. */
  @FunctionalInterface
  public interface Endpoint {
    void handle(Exchange exchange) throws Exception;
  }

  /** A path prefix and the endpoint that serves it. */
  public record Mount(String prefix, Endpoint endpoint) {}

  private final Server server;
  private final ServerConnector connector;

  public HttpServer(InetSocketAddress listen, java.security.KeyStore tlsKeyStore, Metrics metrics,
      java.util.List<Mount> mounts) {
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("http");
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setOutputBufferSize(64 * 1024);
    http.setRequestHeaderSize(16 * 1024);
    http.setRelativeRedirectAllowed(true);
    // Bearer tokens make every Authorization line unique: caching header values only costs lookups.
    http.setHeaderCacheSize(0);
    ConnectionFactory[] factories;
    if (tlsKeyStore != null) {
      http.addCustomizer(new SecureRequestCustomizer(false));
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(tlsKeyStore);
      ssl.setKeyStorePassword("");
      factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http)};
    } else {
      factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
    }
    connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(listen.getHostString());
    connector.setPort(listen.getPort());
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    GracefulHandler graceful = new GracefulHandler(new Router(metrics, mounts));
    server.setHandler(graceful);
    server.setErrorHandler(new DialectErrorHandler());
    server.setStopTimeout(30_000);
    server.setStopAtShutdown(false);
  }

  public void start() throws Exception {
    server.start();
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops accepting, waits for in-flight requests (up to the stop timeout), then closes. */
  @Override
  public void close() throws Exception {
    server.stop();
  }

  /**
   * Answers what Jetty refuses before any mount sees it (an ambiguous {@code %2F} path separator, a
   * malformed URI, headers too large) in the dialect of the path instead of Jetty's HTML page.
   */
  private static final class DialectErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : 500;
      String reason = request.getAttribute(ERROR_MESSAGE) instanceof String message ? message : null;
      String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
      log.info("refused before routing: {} {} {}", status, request.getMethod(), reason);
      ErrorModel.Answer answer;
      if (reason != null && reason.contains("Ambiguous URI path separator")) {
        String detail = "an encoded '/' (%2F) is not allowed in a path: repository names use a literal '/'";
        answer = ErrorModel.isRegistryPath(path)
            ? new ErrorModel.Answer(400, "application/json",
                ErrorModel.ociBody(RegistryError.NAME_INVALID.code(), RegistryError.NAME_INVALID.message(), detail))
            : ErrorModel.generic(path, 400, detail);
      } else {
        answer = ErrorModel.generic(path, status, reason);
      }
      response.setStatus(answer.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
      response.write(true, ByteBuffer.wrap(answer.body()), callback);
      return true;
    }
  }

  private static final class Router extends Handler.Abstract {
    private final Metrics metrics;
    private final java.util.List<Mount> mounts;

    Router(Metrics metrics, java.util.List<Mount> mounts) {
      super(InvocationType.BLOCKING);
      this.metrics = metrics;
      this.mounts = mounts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      long started = System.nanoTime();
      String requestId = requestId(request);
      response.getHeaders().put("X-Request-Id", requestId);
      Exchange ex = new Exchange(request, response, callback, requestId);
      MDC.put("request_id", requestId);
      try {
        Endpoint endpoint = route(ex.path());
        if (endpoint == null) {
          ex.route("unknown");
          ErrorModel.Answer answer = ErrorModel.generic(ex.path(), 404, "no such endpoint");
          ex.send(answer.status(), answer.contentType(), answer.body());
        } else {
          endpoint.handle(ex);
        }
        if (!ex.isCompleted()) {
          ex.complete();
        }
      } catch (Throwable e) {
        onFailure(ex, e);
      } finally {
        long nanos = System.nanoTime() - started;
        metrics.record(ex, nanos);
        if (access.isDebugEnabled() || worthLogging(ex)) {
          access.info("{} {} {} {}ms in={} out={} client={}{}", ex.method(), ex.path(), ex.status(),
              nanos / 1_000_000, ex.bytesIn(), ex.bytesOut(), ex.clientAddress(),
              ex.failure() == null ? "" : " error=" + ex.failure());
        }
        MDC.remove("request_id");
      }
      return true;
    }

    private Endpoint route(String path) {
      for (Mount mount : mounts) {
        String prefix = mount.prefix();
        boolean bare = prefix.endsWith("/") && path.length() == prefix.length() - 1 && prefix.startsWith(path);
        if (path.startsWith(prefix) || bare) {
          return mount.endpoint();
        }
      }
      return null;
    }

    private static void onFailure(Exchange ex, Throwable e) {
      if (ex.isCompleted()) {
        return;
      }
      boolean clientGone = e instanceof java.io.EOFException || e instanceof org.eclipse.jetty.io.EofException
          || e.getCause() instanceof org.eclipse.jetty.io.EofException;
      if (clientGone) {
        log.info("client went away: {}", e.toString());
      } else {
        log.error("request failed: {} {}", ex.method(), ex.path(), e);
      }
      if (!ex.isCommitted() && !clientGone) {
        try {
          ErrorModel.Answer answer = ErrorModel.generic(ex.path(), 500, "request " + ex.requestId());
          ex.send(answer.status(), answer.contentType(), answer.body());
          return;
        } catch (IOException | RuntimeException ignored) {
          // fall through: the connection is unusable, fail it
        }
      }
      ex.fail(e);
    }

    /**
     * Writes and refusals are logged once; successful reads, authentication challenges and existence
     * probes (HEAD answered 404, how clients ask "do you have this blob?") are not: they are the
     * normal traffic of a registry and are counted in the metrics instead.
     */
    private static boolean worthLogging(Exchange ex) {
      int status = ex.status();
      boolean read = "GET".equals(ex.method()) || "HEAD".equals(ex.method());
      if (status >= 500 || !read) {
        return true;
      }
      return status >= 400 && status != 401 && !("HEAD".equals(ex.method()) && status == 404);
    }

    private static String requestId(Request request) {
      String given = request.getHeaders().get("X-Request-Id");
      if (given != null && given.length() <= 64 && given.chars().allMatch(c -> c > 32 && c < 127)) {
        return given;
      }
      return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
  }

}

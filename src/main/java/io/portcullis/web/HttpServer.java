package io.portcullis.web;

import io.portcullis.shared.Caller;
import io.portcullis.shared.RegistryError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import static net.logstash.logback.argument.StructuredArguments.value;

/**
 * The HTTP server: Jetty's core API with every request on its own virtual thread, optional TLS, and a
 * graceful stop that lets in-flight requests finish. Routing is by path prefix.
 */
public final class HttpServer implements AutoCloseable {
  /** The exchange this thread is serving (each request has a virtual thread of its own). */
  private static final ThreadLocal<Exchange> CURRENT = new ThreadLocal<>();

  /**
   * Where the operation running on this thread came from: the request's client address and id, or
   * {@link Caller#SYSTEM} outside a request. Domain services that record changes take this as a
   * supplier, so they need not know HTTP.
   */
  public static Caller origin() {
    Exchange ex = CURRENT.get();
    return ex == null ? Caller.SYSTEM : new Caller(Caller.SYSTEM.actor(), ex.clientAddress(), ex.requestId());
  }

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  private static final Logger access = LoggerFactory.getLogger("io.portcullis.access");

  /** A handler of all requests under one path prefix. */
  @FunctionalInterface
  public interface Endpoint {
    void handle(Exchange exchange) throws Exception;
  }

  /** A path prefix and the endpoint that serves it. */
  public record Mount(String prefix, Endpoint endpoint) {}

  /**
   * How requests are seen and logged.
   *
   * @param proxies         reverse proxies whose {@code X-Forwarded-For} names the client
   * @param logEveryRequest log successful reads (pulls) too, not only changes and refusals
   */
  public record Options(TrustedProxies proxies, boolean logEveryRequest) {
    public static final Options DEFAULTS = new Options(TrustedProxies.NONE, false);
  }

  /** The listen address cannot be bound (in use, not permitted, not an address of this host). */
  public static final class BindException extends IOException {
    BindException(InetSocketAddress listen, Throwable cause) {
      super("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": " + cause.getMessage(), cause);
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final SslContextFactory.Server ssl;
  private final Router router;
  private final InetSocketAddress listen;
  private final Metrics metrics;

  public HttpServer(InetSocketAddress listen, java.security.KeyStore tlsKeyStore, Metrics metrics, Options options) {
    this.listen = listen;
    this.metrics = metrics;
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
      ssl = new SslContextFactory.Server();
      ssl.setKeyStore(tlsKeyStore);
      ssl.setKeyStorePassword("");
      factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http)};
    } else {
      ssl = null;
      factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
    }
    connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(listen.getHostString());
    connector.setPort(listen.getPort());
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    router = new Router(metrics, options);
    GracefulHandler graceful = new GracefulHandler(router);
    server.setHandler(graceful);
    server.setErrorHandler(new DialectErrorHandler());
    server.setStopTimeout(30_000);
    server.setStopAtShutdown(false);
  }

  /**
   * Takes the listen address now, so that a start that cannot serve fails before anything is
   * written; requests wait in the backlog until {@link #start}.
   */
  public void bind() throws BindException {
    try {
      connector.open();
    } catch (IOException e) {
      throw new BindException(listen, e.getCause() == null ? e : e.getCause());
    }
  }

  public void start(java.util.List<Mount> mounts) throws Exception {
    router.mounts = java.util.List.copyOf(mounts);
    server.start();
  }

  /** Replaces the TLS certificate for new connections; open ones keep theirs. */
  public void reloadTls(java.security.KeyStore tlsKeyStore) throws Exception {
    if (ssl == null) {
      throw new IllegalStateException("TLS is not enabled");
    }
    ssl.reload(factory -> factory.setKeyStore(tlsKeyStore));
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops accepting, waits for in-flight requests (up to the stop timeout), then closes. */
  @Override
  public void close() throws Exception {
    server.stop();
    // A server that was bound but never started still holds the port.
    connector.close();
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
    private final Options options;
    private volatile java.util.List<Mount> mounts = java.util.List.of();

    Router(Metrics metrics, Options options) {
      super(InvocationType.BLOCKING);
      this.metrics = metrics;
      this.options = options;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      long started = System.nanoTime();
      String requestId = requestId(request);
      response.getHeaders().put("X-Request-Id", requestId);
      Exchange ex = new Exchange(request, response, callback, requestId, options.proxies());
      MDC.put("request_id", requestId);
      CURRENT.set(ex);
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
        if (options.logEveryRequest() || access.isDebugEnabled() || worthLogging(ex)) {
          logAccess(ex, nanos);
        }
        MDC.remove("request_id");
        CURRENT.remove();
      }
      return true;
    }

    /** One line per request; in JSON each part is its own field, so log pipelines need no parsing. */
    private static void logAccess(Exchange ex, long nanos) {
      access.info("{} {} {} {}ms in={} out={} client={} user={} repository={} error={}",
          value("method", ex.method()), value("path", ex.path()), value("status", ex.status()),
          value("duration_ms", nanos / 1_000_000), value("bytes_in", ex.bytesIn()), value("bytes_out", ex.bytesOut()),
          value("client", ex.clientAddress()), value("user", ex.user() == null ? "-" : ex.user()),
          value("repository", ex.repository() == null ? "-" : ex.repository()),
          value("error", ex.failure() == null ? "-" : ex.failure()));
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

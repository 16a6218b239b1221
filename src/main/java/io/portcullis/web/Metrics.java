package io.portcullis.web;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The registry's Prometheus metrics and their text exposition. */
public final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram durations;
  private final Counter bytesIn;
  private final Counter bytesOut;

  public Metrics() {
    JvmMetrics.builder().register(registry);
    requests = Counter.builder().name("portcullis_http_requests_total")
        .help("HTTP requests by route, method and status").labelNames("route", "method", "status")
        .register(registry);
    durations = Histogram.builder().name("portcullis_http_request_duration_seconds")
        .help("HTTP request durations by route and method (uploads included)").labelNames("route", "method")
        .register(registry);
    bytesIn = Counter.builder().name("portcullis_http_received_bytes_total")
        .help("Request body bytes received, by route").labelNames("route").register(registry);
    bytesOut = Counter.builder().name("portcullis_http_sent_bytes_total")
        .help("Response body bytes sent, by route").labelNames("route").register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  void record(Exchange ex, long nanos) {
    String route = ex.route();
    requests.labelValues(route, ex.method(), Integer.toString(ex.status())).inc();
    durations.labelValues(route, ex.method()).observe(nanos / 1e9);
    if (ex.bytesIn() > 0) {
      bytesIn.labelValues(route).inc(ex.bytesIn());
    }
    if (ex.bytesOut() > 0) {
      bytesOut.labelValues(route).inc(ex.bytesOut());
    }
  }

}

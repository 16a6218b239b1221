package io.portcullis.mirror.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the one JDK HTTP client all upstream requests share: proxy, extra CAs, connect timeout. */
final class Transport {
  private Transport() {}

  static HttpClient httpClient(UpstreamSettings settings) {
    // Redirects are followed by hand: a blob redirected to object storage must not carry the
    // registry's Authorization header there.
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(sslContext(settings));
    if (settings.proxy() != null) {
      builder.proxy(ProxySelector.of(new InetSocketAddress(settings.proxy().getHost(), settings.proxy().getPort())));
    }
    return builder.build();
  }

  private static SSLContext sslContext(UpstreamSettings settings) {
    try {
      X509ExtendedTrustManager system = trustManager(null);
      SSLContext context = SSLContext.getInstance("TLS");
      if (settings.caFile() == null) {
        context.init(null, new javax.net.ssl.TrustManager[] {system}, null);
        return context;
      }
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates(settings)) {
        extra.setCertificateEntry("ca-" + i++, certificate);
      }
      context.init(null, new javax.net.ssl.TrustManager[] {new Either(trustManager(extra), system)}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS for upstreams: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(UpstreamSettings settings) throws IOException {
    try (InputStream in = Files.newInputStream(settings.caFile())) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("upstream CA file " + settings.caFile() + " holds no PEM certificate");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("upstream CA file " + settings.caFile() + " is not PEM certificates: "
          + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (var manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * Trusts what the configured CAs or the JDK's trust: an internal registry and Docker Hub alike. The
   * engine and socket variants are delegated as such, since they are where the host name is checked.
   */
  private static final class Either extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager first;
    private final X509ExtendedTrustManager second;

    Either(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType, socket);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType, engine);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("upstream connections do not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(X509Certificate[]::new);
    }
  }
}

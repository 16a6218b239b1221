package io.portcullis.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Builds the in-memory key store TLS needs from the PEM files operators actually have. */
final class TlsKeyStore {
  private TlsKeyStore() {}

  static KeyStore fromPem(Path certificateFile, Path keyFile) {
    try {
      List<Certificate> chain = new ArrayList<>();
      try (Reader reader = Files.newBufferedReader(certificateFile); PEMParser pem = new PEMParser(reader)) {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object item; (item = pem.readObject()) != null; ) {
          if (item instanceof X509CertificateHolder holder) {
            chain.add(converter.getCertificate(holder));
          }
        }
      }
      if (chain.isEmpty()) {
        throw new Configuration.InvalidConfiguration("tls.certificate " + certificateFile + " holds no PEM certificate");
      }
      PrivateKey key;
      try (Reader reader = Files.newBufferedReader(keyFile); PEMParser pem = new PEMParser(reader)) {
        Object item = pem.readObject();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        key = switch (item) {
          case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
          case PrivateKeyInfo info -> converter.getPrivateKey(info);
          case null, default -> throw new Configuration.InvalidConfiguration(
              "tls.key " + keyFile + " holds no unencrypted PEM private key");
        };
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, new char[0], chain.toArray(Certificate[]::new));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new Configuration.InvalidConfiguration("cannot load TLS certificate/key: " + e.getMessage());
    }
  }
}

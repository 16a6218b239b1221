package io.portcullis.app;

import io.portcullis.auth.secret.SecretBox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis secret-seal SETTING}: seals a secret setting's value (read from standard input) with
 * the master key, so the config file or environment holds {@code sealed:…} instead of the plaintext.
 */
@Command(name = "secret-seal", mixinStandardHelpOptions = true,
    description = "Seal a secret setting (e.g. ldap.bind-password) with the master key; reads the value from stdin.")
final class SealSecret implements Callable<Integer> {
  @Parameters(paramLabel = "SETTING", description = "The setting the value is for (the seal is bound to it).")
  String setting;

  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    Setting target = Setting.byKey(setting);
    if (target == null || !target.isSecret()) {
      System.err.println("portcullis: " + setting + " is not a secret setting");
      return 2;
    }
    Configuration configuration = options.loadOrReport(Map.of());
    if (configuration == null) {
      return 2;
    }
    String value = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
    if (value.isEmpty()) {
      System.err.println("portcullis: no value on standard input");
      return 2;
    }
    Path dir = Files.createDirectories(configuration.dataDir());
    SecretBox box = new SecretBox(Portcullis.masterKey(configuration, dir));
    System.out.println(Configuration.SEALED_PREFIX
        + Base64.getEncoder().encodeToString(box.seal(target.key(), value.getBytes(StandardCharsets.UTF_8))));
    return 0;
  }
}

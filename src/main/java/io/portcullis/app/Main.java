package io.portcullis.app;

import io.portcullis.cli.AdminCommands;
import io.portcullis.cli.IdentityCommands;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of the {@code portcullis} command. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "portcullis 0.1.0",
    description = "A secure container registry.", subcommands = {Main.Serve.class, SealSecret.class, AdminCommands.Vulndb.class,
        AdminCommands.Scan.class, AdminCommands.Jobs.class, AdminCommands.Schedules.class, AdminCommands.Audit.class, IdentityCommands.Users.class, IdentityCommands.Tokens.class,
        IdentityCommands.Orgs.class, IdentityCommands.Teams.class, IdentityCommands.Robots.class,
        IdentityCommands.Repos.class, io.portcullis.cli.WebhookCommands.Webhooks.class,
        io.portcullis.cli.MirrorCommands.Mirrors.class, io.portcullis.cli.CacheCommands.Caches.class,
        io.portcullis.cli.PolicyCommands.Policies.class, io.portcullis.cli.PolicyCommands.Rules.class,
        io.portcullis.cli.QuotaCommands.Quotas.class, io.portcullis.cli.RetentionCommands.Retention.class,
        io.portcullis.cli.GateCommands.Gates.class, io.portcullis.cli.GateCommands.Allowlist.class,
        io.portcullis.cli.GcCommands.Gc.class,
        io.portcullis.cli.Probe.class})
public final class Main implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /** {@code portcullis serve}: runs the registry until SIGTERM/SIGINT, then stops gracefully. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the registry.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default 0.0.0.0:5000).")
    String listen;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
      Configuration configuration = options.loadOrReport(listen == null ? Map.of() : Map.of(Setting.LISTEN, listen));
      if (configuration == null) {
        return 2;
      }
      if (configuration.get(Setting.LOG_FORMAT).equals("text")) {
        System.setProperty("logback.configurationFile", "logback-text.xml");
      }
      Portcullis.applyLogLevel(configuration);
      configuration.warnings().forEach(warning -> System.err.println("portcullis: warning: " + warning));
      Map<Setting, String> extra = listen == null ? Map.of() : Map.of(Setting.LISTEN, listen);
      // SIGHUP's default action ends the process: operators send it to reload, as for nginx. The
      // handler goes in before the start, which announces readiness before it returns; a SIGHUP
      // that arrives while starting is carried out as soon as the start is done.
      DeferredReload reloads = new DeferredReload(extra);
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reloads.requested());
      Portcullis portcullis;
      try {
        portcullis = Portcullis.start(configuration, System.out);
      } catch (Configuration.InvalidConfiguration e) {
        System.err.println("portcullis: " + e.getMessage());
        return 2;
      } catch (java.io.IOException e) {
        System.err.println("portcullis: cannot start: " + e.getMessage());
        return 1;
      }
      reloads.started(portcullis);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          portcullis.close();
        } catch (Exception e) {
          System.err.println("portcullis: error while stopping: " + e);
        } finally {
          stopped.countDown();
        }
      }, "shutdown"));
      stopped.await();
      return 0;
    }

    /** Reloads on request once the server runs; a request made while it starts waits for the start. */
    private final class DeferredReload {
      private final Map<Setting, String> extra;
      private Portcullis running;
      private boolean pending;

      DeferredReload(Map<Setting, String> extra) {
        this.extra = extra;
      }

      void requested() {
        Portcullis portcullis;
        synchronized (this) {
          portcullis = running;
          pending = portcullis == null;
        }
        if (portcullis != null) {
          reload(portcullis);
        }
      }

      void started(Portcullis portcullis) {
        boolean reloadNow;
        synchronized (this) {
          running = portcullis;
          reloadNow = pending;
        }
        if (reloadNow) {
          reload(portcullis);
        }
      }

      private void reload(Portcullis portcullis) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        log.info("SIGHUP received: reloading the configuration");
        try {
          portcullis.reload(Configuration.load(options.config, System.getenv(), options.overrides(extra)));
        } catch (Configuration.InvalidConfiguration e) {
          log.error("reload refused, the running configuration stays: {}", e.getMessage());
        }
      }
    }
  }
}

package io.portcullis.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.Principal;
import io.portcullis.auth.TestClock;
import io.portcullis.auth.login.BootstrapAdminCredentials;
import io.portcullis.auth.login.PasswordHasher;
import io.portcullis.auth.secret.InMemorySecretStore;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.identity.jdbc.JdbcIdentityStores;
import io.portcullis.metadata.TestDatabase;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.shared.Caller;
import java.time.Instant;
import java.util.Set;

/** A complete identity domain on a test database, with a bootstrap administrator and a clock tests move. */
final class TestIdentity implements AutoCloseable {
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "bootstrap-admin-secret";
  static final String PASSWORD = "correct horse battery";

  final TestDatabase database;
  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  // Cheap but real Argon2id: the cost parameters are not what these tests are about.
  final PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(64, 1, 1), 2);
  /** Where the test's operations appear to come from in the event log. */
  static final Caller ORIGIN = new Caller("-", "192.0.2.7", "test-request");
  final EventLog events;
  final RepositoryService repositories;
  final Identity identity;
  final BootstrapAdminCredentials bootstrap;
  final Principal admin = new Principal(ADMIN, Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));

  TestIdentity(TestDatabase database) {
    this.database = database;
    this.events = new EventLog(database.db, new JdbcEventStore(new ObjectMapper()), clock, "test");
    this.repositories = new RepositoryService(database.db, new JdbcRepositoryStore(), events, clock);
    this.identity = new Identity(database.db, JdbcIdentityStores.create(), hasher, clock, Set.of(ADMIN),
        IdentityAccessController.DEFAULT_CACHE_TTL, events, () -> ORIGIN, repositories);
    repositories.addDeletionParticipant(identity.repositories()::forgetGrants);
    this.bootstrap = new BootstrapAdminCredentials(ADMIN, new InMemorySecretStore(), hasher);
    bootstrap.setPassword(ADMIN_PASSWORD);
  }

  DirectoryCredentials credentials(ExternalDirectory external) {
    return identity.credentials(bootstrap, ADMIN, external);
  }

  /** A local user with {@link #PASSWORD}, as the principal a password login gives. */
  Principal user(String name) {
    User user = identity.users().create(admin, name, PASSWORD, null, null, false);
    return new Principal(user.name(), Principal.Kind.USER, Set.of());
  }

  /** Inserts a repository row as a push would. */
  void repository(String name) {
    database.db.inTransaction(tx -> tx.handle().createUpdate("INSERT INTO repositories(name, created_at) VALUES (?, 0)")
        .bind(0, name).execute());
  }

  @Override
  public void close() throws Exception {
    database.close();
  }
}

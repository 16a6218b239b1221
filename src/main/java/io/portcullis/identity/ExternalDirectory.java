package io.portcullis.identity;

import io.portcullis.auth.login.DirectoryUnavailableException;
import java.util.Optional;

/**
 * A user directory outside the registry (LDAP, Active Directory) that checks passwords. When one is
 * configured, {@link DirectoryCredentials} sends it every login of a user that is not local (unknown
 * names and users it created before) and synchronises the user and their group-mapped teams from the
 * answer. Implementations must be thread-safe and must not log the password.
 */
public interface ExternalDirectory {

  /**
   * The user, when {@code username} and {@code password} are right; empty when they are wrong or the
   * user is unknown to the directory.
   *
   * @throws DirectoryUnavailableException when the directory cannot be asked (down, misconfigured)
   */
  Optional<ExternalUser> authenticate(String username, String password);
}

/**
 * LDAP and Active Directory as an external user directory: {@link
 * io.portcullis.identity.ldap.LdapDirectory} checks passwords by binding as the user found with a
 * service account, and reads display name, e-mail and group names for group → team mapping.
 * Configured with {@link io.portcullis.identity.ldap.LdapSettings}; a directory that cannot be reached
 * fails with {@link io.portcullis.auth.login.DirectoryUnavailableException}.
 */
package io.portcullis.identity.ldap;

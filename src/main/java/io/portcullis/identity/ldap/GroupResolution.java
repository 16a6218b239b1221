package io.portcullis.identity.ldap;

import java.util.Set;

/** How a user's groups are found. */
public sealed interface GroupResolution {

  /**
   * Read the group DNs from an attribute of the user entry (OpenLDAP memberof overlay, Active
   * Directory); the group name is the value of each DN's first RDN ({@code cn=developers,ou=groups,…}
   * → {@code developers}). On Active Directory this lists direct memberships only.
   *
   * @param attribute usually {@code memberOf}
   */
  record MemberOf(String attribute) implements GroupResolution {
    public MemberOf {
      if (attribute == null || attribute.isBlank()) {
        throw new IllegalArgumentException("memberOf attribute must not be blank");
      }
    }
  }

  /**
   * Search for the groups that list the user.
   *
   * @param base          where to search (subtree)
   * @param filter        with {@code {dn}} for the user's DN and/or {@code {0}} for the username, e.g.
   *                      {@code (&(objectClass=groupOfNames)(member={dn}))}, {@code (memberUid={0})} for
   *                      posixGroup, or on Active Directory {@code (member:1.2.840.113556.1.4.1941:={dn})}
   *                      to include nested groups
   * @param nameAttribute the attribute holding the group's name, usually {@code cn}
   */
  record GroupSearch(String base, String filter, String nameAttribute) implements GroupResolution {
    public GroupSearch {
      if (base == null || base.isBlank()) {
        throw new IllegalArgumentException("group search base must not be blank");
      }
      new FilterTemplate("group search filter", filter, Set.of(FilterTemplate.USER_DN, FilterTemplate.USERNAME));
      if (nameAttribute == null || nameAttribute.isBlank()) {
        throw new IllegalArgumentException("group name attribute must not be blank");
      }
    }
  }
}

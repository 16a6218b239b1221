package io.portcullis.shared;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An IP network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address is the network
 * of that one address. IPv4 and IPv6 networks never contain each other's addresses. Immutable.
 */
public final class IpNetwork {
  private final byte[] prefix;
  private final int bits;

  private IpNetwork(byte[] prefix, int bits) {
    this.prefix = prefix;
    this.bits = bits;
  }

  /**
   * Parses an address or CIDR network.
   *
   * @throws IllegalArgumentException naming the entry when it is neither
   */
  public static IpNetwork parse(String entry) {
    int slash = entry.indexOf('/');
    InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR network");
    }
    int max = address.getAddress().length * 8;
    int bits;
    try {
      bits = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0-" + max);
    }
    return new IpNetwork(address.getAddress(), bits);
  }

  /**
   * Parses a comma-separated list of addresses and networks; blank entries are skipped.
   *
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static List<IpNetwork> parseList(String list) {
    List<IpNetwork> networks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String trimmed = entry.trim();
      if (!trimmed.isEmpty()) {
        networks.add(parse(trimmed));
      }
    }
    return List.copyOf(networks);
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != prefix.length) {
      return false;
    }
    int whole = bits / 8;
    if (!Arrays.equals(candidate, 0, whole, prefix, 0, whole)) {
      return false;
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (candidate[whole] & mask) == (prefix[whole] & mask);
  }

  /**
   * An IP literal, never a host name (which would need a DNS lookup an attacker controls), or null.
   * Accepts {@code [v6]}, {@code [v6]:port} and {@code v4:port} as they appear in headers.
   */
  public static InetAddress literal(String text) {
    String value = text;
    if (value.startsWith("[") && value.indexOf(']') > 0) {
      value = value.substring(1, value.indexOf(']'));
    } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':') && value.indexOf('.') > 0) {
      value = value.substring(0, value.indexOf(':'));
    }
    boolean ipv6 = value.indexOf(':') >= 0 && value.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    boolean ipv4 = value.chars().filter(c -> c == '.').count() == 3
        && value.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    if (!ipv4 && !ipv6) {
      return null;
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpNetwork other && bits == other.bits && Arrays.equals(prefix, other.prefix);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(prefix) + bits;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(prefix).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.portcullis.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed. Behind a proxy every request comes
 * from the proxy's address, so login throttling and logs need the address the proxy saw instead; a
 * client talking to the registry directly could forge the header, so it is read only when the
 * connection comes from a configured proxy, and then from the right, past every trusted hop.
 */
public final class TrustedProxies {
  /** Trusts nobody: the connection's address is always the client's. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Network> networks;

  private TrustedProxies(List<Network> networks) {
    this.networks = List.copyOf(networks);
  }

  /**
   * Parses a comma-separated list of addresses and CIDR networks ({@code 10.0.0.0/8, ::1, fd00::/8}).
   *
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static TrustedProxies parse(String list) {
    List<Network> networks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String trimmed = entry.trim();
      if (!trimmed.isEmpty()) {
        networks.add(Network.parse(trimmed));
      }
    }
    return new TrustedProxies(networks);
  }

  /**
   * The client's address: the connection's own unless it comes from a trusted proxy; then the
   * right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy (entries left of it
   * were written by the client and prove nothing). An unreadable entry ends the walk at the last
   * hop that was trusted.
   */
  public InetAddress client(InetAddress connection, List<String> forwardedFor) {
    if (!isTrusted(connection)) {
      return connection;
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    InetAddress client = connection;
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = literal(hops.get(i));
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return client;
  }

  private boolean isTrusted(InetAddress address) {
    for (Network network : networks) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** An IP literal, never a host name (which would need a DNS lookup an attacker controls), or null. */
  static InetAddress literal(String text) {
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

  private record Network(byte[] prefix, int bits) {
    static Network parse(String entry) {
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
      return new Network(address.getAddress(), bits);
    }

    boolean contains(InetAddress address) {
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
  }
}

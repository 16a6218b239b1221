package io.portcullis.web;

import io.portcullis.shared.IpNetwork;
import java.net.InetAddress;
import java.util.ArrayList;
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

  private final List<IpNetwork> networks;

  private TrustedProxies(List<IpNetwork> networks) {
    this.networks = List.copyOf(networks);
  }

  /**
   * Parses a comma-separated list of addresses and CIDR networks ({@code 10.0.0.0/8, ::1, fd00::/8}).
   *
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static TrustedProxies parse(String list) {
    return new TrustedProxies(IpNetwork.parseList(list));
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
      InetAddress hop = IpNetwork.literal(hops.get(i));
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
    for (IpNetwork network : networks) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }
}

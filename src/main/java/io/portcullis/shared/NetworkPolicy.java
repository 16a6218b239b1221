package io.portcullis.shared;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The guard against server-side request forgery, shared by webhook deliveries and pull mirrors: which
 * addresses the server may connect to on a user's behalf. A host is resolved and every address it
 * resolves to must be public (not loopback, private, unique-local, link-local, carrier-grade NAT,
 * unspecified, multicast, reserved or a cloud metadata address) unless it lies in an allowed network,
 * the administrators' allowlist named by a setting (which refusals name, so an operator knows what to
 * change). Whether the connection then goes to the checked address is the caller's part. Thread-safe.
 */
public final class NetworkPolicy {
  /** What kind of address a connection would reach; only {@link #PUBLIC} is allowed without an allowlist entry. */
  public enum Category {
    PUBLIC, LOOPBACK, PRIVATE, UNIQUE_LOCAL, LINK_LOCAL, CARRIER_GRADE_NAT, UNSPECIFIED, MULTICAST, RESERVED,
    METADATA;

    /** How an error message names it. */
    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private record Range(IpNetwork network, Category category) {}

  /** Checked in order, so the metadata addresses win over the ranges that contain them. */
  private static final List<Range> RANGES = List.of(
      range("169.254.169.254/32", Category.METADATA),
      range("fd00:ec2::254/128", Category.METADATA),
      range("0.0.0.0/8", Category.UNSPECIFIED),
      range("10.0.0.0/8", Category.PRIVATE),
      range("100.64.0.0/10", Category.CARRIER_GRADE_NAT),
      range("127.0.0.0/8", Category.LOOPBACK),
      range("169.254.0.0/16", Category.LINK_LOCAL),
      range("172.16.0.0/12", Category.PRIVATE),
      range("192.0.0.0/24", Category.RESERVED),
      range("192.0.2.0/24", Category.RESERVED),
      range("192.168.0.0/16", Category.PRIVATE),
      range("198.18.0.0/15", Category.RESERVED),
      range("198.51.100.0/24", Category.RESERVED),
      range("203.0.113.0/24", Category.RESERVED),
      range("224.0.0.0/4", Category.MULTICAST),
      range("240.0.0.0/4", Category.RESERVED),
      range("::/128", Category.UNSPECIFIED),
      range("::1/128", Category.LOOPBACK),
      range("::/96", Category.RESERVED),
      range("100::/64", Category.RESERVED),
      range("2001::/23", Category.RESERVED),
      range("2001:db8::/32", Category.RESERVED),
      range("fc00::/7", Category.UNIQUE_LOCAL),
      range("fe80::/10", Category.LINK_LOCAL),
      range("fec0::/10", Category.PRIVATE),
      range("ff00::/8", Category.MULTICAST));

  /** IPv6 prefixes that carry an IPv4 address, which then decides: NAT64, 6to4 (and mapped, see {@link #mapped}). */
  private static final IpNetwork NAT64 = IpNetwork.parse("64:ff9b::/96");
  private static final IpNetwork SIX_TO_FOUR = IpNetwork.parse("2002::/16");

  private final String setting;
  private final List<IpNetwork> allowed;
  private final Resolver resolver;

  /** Looks host names up; tests substitute their own answers. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /**
   * @param setting the setting holding {@code allowed}, named in refusals ({@code webhooks.allowed-networks})
   * @param allowed networks that may be reached whatever their category (administrators' allowlist)
   */
  public NetworkPolicy(String setting, List<IpNetwork> allowed) {
    this(setting, allowed, InetAddress::getAllByName);
  }

  public NetworkPolicy(String setting, List<IpNetwork> allowed, Resolver resolver) {
    this.setting = setting;
    this.allowed = List.copyOf(allowed);
    this.resolver = resolver;
  }

  private static Range range(String cidr, Category category) {
    return new Range(IpNetwork.parse(cidr), category);
  }

  /** The category of {@code address}; an IPv6 address embedding an IPv4 one is judged by that. */
  public static Category classify(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      int offset = mapped(bytes) || NAT64.contains(address) ? 12 : SIX_TO_FOUR.contains(address) ? 2 : -1;
      if (offset >= 0) {
        try {
          return classify(InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + 4)));
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    for (Range range : RANGES) {
      if (range.network().contains(address)) {
        return range.category();
      }
    }
    return Category.PUBLIC;
  }

  /**
   * Whether the bytes are an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}). Parsing such text yields
   * the IPv4 address, but an {@link Inet6Address} built from bytes keeps the mapped form.
   */
  private static boolean mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /** Whether a connection to {@code address} is allowed. */
  public boolean permits(InetAddress address) {
    return classify(address) == Category.PUBLIC || allowed.stream().anyMatch(n -> n.contains(address));
  }

  /**
   * Resolves the URL's host once and checks every address it resolves to (a literal address is checked as is).
   *
   * @return the addresses, all permitted, in the resolver's order
   * @throws Refused when the host does not resolve or resolves to any address that is not permitted
   */
  public List<InetAddress> resolve(URI url) throws Refused {
    String host = url.getHost();
    InetAddress literal = IpNetwork.literal(host);
    InetAddress[] addresses;
    if (literal != null) {
      addresses = new InetAddress[] {literal};
    } else {
      try {
        addresses = resolver.resolve(host);
      } catch (UnknownHostException e) {
        throw new Refused("cannot resolve " + host, false);
      }
    }
    List<InetAddress> checked = new ArrayList<>();
    for (InetAddress address : addresses) {
      if (!permits(address)) {
        // One refused address refuses the name: connecting to "the other one" would let a name that
        // also points inside the network through whenever the public address fails.
        throw new Refused((literal != null ? host : host + " resolves to " + address.getHostAddress())
            + ", a " + classify(address).label() + " address outside " + setting, true);
      }
      checked.add(address);
    }
    return checked;
  }

  /**
   * A target the policy does not let the server reach.
   *
   * @param forbidden true when an address is refused, false when the host does not resolve (which may pass)
   */
  public static final class Refused extends Exception {
    private final boolean forbidden;

    Refused(String message, boolean forbidden) {
      super(message, null, false, false);
      this.forbidden = forbidden;
    }

    public boolean forbidden() {
      return forbidden;
    }
  }
}

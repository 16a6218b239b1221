package io.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.shared.NetworkPolicy.Category;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkPolicyTest {
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "8.8.8.8, PUBLIC", "1.1.1.1, PUBLIC", "2606:4700:4700::1111, PUBLIC", "100.63.255.255, PUBLIC",
      "172.32.0.1, PUBLIC", "169.253.255.255, PUBLIC",
      "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
      "10.0.0.1, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE", "fec0::1, PRIVATE",
      "fd12:3456::1, UNIQUE_LOCAL", "fc00::1, UNIQUE_LOCAL",
      "169.254.1.1, LINK_LOCAL", "fe80::1, LINK_LOCAL",
      "100.64.0.1, CARRIER_GRADE_NAT", "100.127.255.255, CARRIER_GRADE_NAT", "100.100.100.200, CARRIER_GRADE_NAT",
      "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
      "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
      "255.255.255.255, RESERVED", "240.0.0.1, RESERVED", "192.0.2.1, RESERVED", "198.18.0.1, RESERVED",
      "2001:db8::1, RESERVED", "::1.2.3.4, RESERVED",
      "169.254.169.254, METADATA", "fd00:ec2::254, METADATA",
      // IPv6 forms of IPv4 addresses are judged by the IPv4 address they carry.
      "::ffff:127.0.0.1, LOOPBACK", "::ffff:169.254.169.254, METADATA", "64:ff9b::10.0.0.1, PRIVATE",
      "64:ff9b::8.8.8.8, PUBLIC", "2002:a9fe:a9fe::1, METADATA", "2002:0808:0808::1, PUBLIC"})
  void classifiesAddresses(String address, Category category) throws Exception {
    assertThat(NetworkPolicy.classify(InetAddress.getByName(address))).isEqualTo(category);
  }

  @Test
  void aMappedAddressBuiltFromBytesIsJudgedByItsIpv4Address() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 169;
    mapped[13] = (byte) 254;
    mapped[14] = (byte) 169;
    mapped[15] = (byte) 254;
    InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertThat(address).isInstanceOf(java.net.Inet6Address.class);
    assertThat(NetworkPolicy.classify(address)).isEqualTo(Category.METADATA);
  }

  @Test
  void onlyPublicAddressesPassUnlessAllowed() throws Exception {
    NetworkPolicy strict = new NetworkPolicy("webhooks.allowed-networks", List.of());
    assertThat(strict.permits(InetAddress.getByName("8.8.8.8"))).isTrue();
    assertThat(strict.permits(InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThat(strict.permits(InetAddress.getByName("169.254.169.254"))).isFalse();

    NetworkPolicy allowing = new NetworkPolicy("webhooks.allowed-networks", IpNetwork.parseList("127.0.0.1/32, 10.1.0.0/16"));
    assertThat(allowing.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(allowing.permits(InetAddress.getByName("127.0.0.2"))).isFalse();
    assertThat(allowing.permits(InetAddress.getByName("10.1.200.3"))).isTrue();
    assertThat(allowing.permits(InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(allowing.permits(InetAddress.getByName("::1"))).as("an IPv4 network allows no IPv6 address").isFalse();
  }

  @Test
  void resolvesOnceAndRefusesANameWithAnyRefusedAddress() throws Exception {
    Map<String, InetAddress[]> dns = Map.of(
        "public.example", new InetAddress[] {InetAddress.getByName("93.184.215.14")},
        "mixed.example", new InetAddress[] {InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.7")},
        "metadata.example", new InetAddress[] {InetAddress.getByName("169.254.169.254")});
    int[] lookups = {0};
    NetworkPolicy policy = new NetworkPolicy("webhooks.allowed-networks", List.of(), host -> {
      lookups[0]++;
      InetAddress[] answer = dns.get(host);
      if (answer == null) {
        throw new UnknownHostException(host);
      }
      return answer;
    });
    assertThat(policy.resolve(URI.create("https://public.example/x"))).containsExactly(InetAddress.getByName("93.184.215.14"));
    assertThat(lookups[0]).isEqualTo(1);
    assertThatThrownBy(() -> policy.resolve(URI.create("https://mixed.example/")))
        .isInstanceOf(NetworkPolicy.Refused.class).hasMessage("mixed.example resolves to 10.0.0.7, a private address "
            + "outside webhooks.allowed-networks")
        .satisfies(e -> assertThat(((NetworkPolicy.Refused) e).forbidden()).isTrue());
    assertThatThrownBy(() -> policy.resolve(URI.create("http://metadata.example/latest/meta-data")))
        .hasMessageContaining("a metadata address");
    assertThatThrownBy(() -> policy.resolve(URI.create("http://127.0.0.1:8080/")))
        .hasMessage("127.0.0.1, a loopback address outside webhooks.allowed-networks");
    assertThatThrownBy(() -> policy.resolve(URI.create("http://[::ffff:a9fe:a9fe]/")))
        .hasMessage("[::ffff:a9fe:a9fe], a metadata address outside webhooks.allowed-networks");
    assertThatThrownBy(() -> policy.resolve(URI.create("https://nowhere.example/")))
        .hasMessage("cannot resolve nowhere.example")
        .satisfies(e -> assertThat(((NetworkPolicy.Refused) e).forbidden()).isFalse());
    assertThat(lookups[0]).as("literals are never looked up").isEqualTo(4);
  }

  @Test
  void anAllowedNetworkLetsItsAddressesThrough() throws Exception {
    NetworkPolicy policy = new NetworkPolicy("webhooks.allowed-networks", IpNetwork.parseList("127.0.0.1/32"));
    assertThat(policy.resolve(URI.create("http://127.0.0.1:9/hook"))).containsExactly(InetAddress.getByName("127.0.0.1"));
    assertThatThrownBy(() -> policy.resolve(URI.create("http://127.0.0.2:9/hook"))).isInstanceOf(NetworkPolicy.Refused.class);
  }
}

package io.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpNetworkTest {
  @Test
  void containsTheAddressesOfItsPrefix() throws Exception {
    IpNetwork ten = IpNetwork.parse("10.0.0.0/8");
    assertThat(ten.contains(InetAddress.getByName("10.255.1.2"))).isTrue();
    assertThat(ten.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
    IpNetwork odd = IpNetwork.parse("172.16.0.0/12");
    assertThat(odd.contains(InetAddress.getByName("172.31.255.255"))).isTrue();
    assertThat(odd.contains(InetAddress.getByName("172.32.0.0"))).isFalse();
    IpNetwork one = IpNetwork.parse("127.0.0.1");
    assertThat(one.contains(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(one.contains(InetAddress.getByName("127.0.0.2"))).isFalse();
    IpNetwork v6 = IpNetwork.parse("fd00::/8");
    assertThat(v6.contains(InetAddress.getByName("fd12::1"))).isTrue();
    assertThat(v6.contains(InetAddress.getByName("10.0.0.1"))).as("no IPv4 in an IPv6 network").isFalse();
    assertThat(IpNetwork.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
  }

  @Test
  void parsesListsAndNamesWhatIsWrong() {
    assertThat(IpNetwork.parseList(" 10.0.0.0/8, ,::1 ")).containsExactly(IpNetwork.parse("10.0.0.0/8"),
        IpNetwork.parse("::1/128"));
    assertThat(IpNetwork.parseList("")).isEmpty();
    assertThat(IpNetwork.parse("10.1.2.3/16")).hasToString("10.1.2.3/16");
    assertThatThrownBy(() -> IpNetwork.parseList("10.0.0.0/8, example.com"))
        .hasMessage("'example.com' is not an IP address or CIDR network");
    assertThatThrownBy(() -> IpNetwork.parse("10.0.0.0/33")).hasMessage("'10.0.0.0/33' has a prefix length outside 0-32");
    assertThatThrownBy(() -> IpNetwork.parse("::/129")).hasMessageContaining("outside 0-128");
    assertThatThrownBy(() -> IpNetwork.parse("10.0.0.0/x")).hasMessageContaining("prefix length");
  }

  @Test
  void literalsAreNeverLookedUp() {
    assertThat(IpNetwork.literal("localhost")).isNull();
    assertThat(IpNetwork.literal("[::1]:8080").getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(IpNetwork.literal("192.0.2.1:443").getHostAddress()).isEqualTo("192.0.2.1");
  }
}

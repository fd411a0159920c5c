package dev.poplar.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address blocks for poplar.pop3.trusted-proxies, per-ip-exempt and the ban allow-list. */
class CidrTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void aBlockContainsExactlyItsAddresses() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("10.0.0.0")));
        assertTrue(ten.contains(ip("10.255.255.255")));
        assertFalse(ten.contains(ip("11.0.0.0")));
        assertFalse(ten.contains(ip("9.255.255.255")));
        Cidr odd = Cidr.parse("192.0.2.64/27");
        assertTrue(odd.contains(ip("192.0.2.95")));
        assertFalse(odd.contains(ip("192.0.2.96")));
        assertFalse(odd.contains(ip("192.0.2.63")));
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertTrue(v6.contains(ip("2001:db8:ffff::1")));
        assertFalse(v6.contains(ip("2001:db9::1")));
        assertFalse(v6.contains(ip("10.0.0.1")), "an IPv4 address is never in an IPv6 block");
        assertFalse(ten.contains(ip("::1")), "nor an IPv6 address in an IPv4 one");
    }

    @Test
    void aSingleAddressAndTheWholeSpace() throws Exception {
        Cidr one = Cidr.parse(" 127.0.0.1 ");
        assertEquals(32, one.prefix());
        assertTrue(one.contains(ip("127.0.0.1")));
        assertFalse(one.contains(ip("127.0.0.2")));
        Cidr all = Cidr.parse("0.0.0.0/0");
        assertTrue(all.contains(ip("255.255.255.255")));
        assertTrue(Cidr.parse("::/0").contains(ip("2001:db8::1")));
        assertEquals(128, Cidr.parse("::1").prefix());
        assertEquals(0, Cidr.parse("0.0.0.0/0").prefix());
        assertEquals(32, Cidr.parse("10.1.2.3/32").prefix());
    }

    @Test
    void listsAndMembership() throws Exception {
        List<Cidr> blocks = Cidr.parseList("10.0.0.0/8, 192.168.0.0/16,,");
        assertEquals(2, blocks.size());
        assertTrue(Cidr.anyContains(blocks, ip("192.168.4.4")));
        assertFalse(Cidr.anyContains(blocks, ip("172.16.0.1")));
        assertFalse(Cidr.anyContains(List.of(), ip("10.0.0.1")));
        assertEquals(List.of(), Cidr.parseList(" "));
    }

    /** A bad entry is refused at start-up with the text that is wrong; a host name is never looked up. */
    @Test
    void badTextIsRefusedAndNamesAreNotResolved() {
        for (String bad : new String[] {
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "::/129",
            "10.0.0.0/x",
            "",
            "/8",
            "localhost",
            "localhost/32",
            "proxy.example/24",
            "10.0.0.0/8/8",
            "-10.0.0.0/8"
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}

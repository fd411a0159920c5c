package dev.poplar.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cluster's small rules, each against its own reading of the spec it follows. */
class ClusterPartsTest {
    private static Optional<String> netstring(String s) throws Exception {
        return SocketmapService.readNetstring(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void socketmapRequestsAreNetstringsAndBounded() throws Exception {
        assertEquals(Optional.of("transport a@b"), netstring("13:transport a@b,"));
        assertEquals(Optional.of(""), netstring("0:,"));
        assertEquals(Optional.empty(), netstring(""), "end of stream");
        assertEquals(Optional.empty(), netstring(":x,"), "no length");
        assertEquals(Optional.empty(), netstring("13:transport a@b;"), "no comma");
        assertEquals(Optional.empty(), netstring("20:short,"), "shorter than announced");
        assertEquals(Optional.empty(), netstring("1025:" + "x".repeat(1025) + ","), "past 1,024 bytes");
        assertEquals(Optional.empty(), netstring("99999999999999999999:"), "a huge length is refused, not parsed");
        assertEquals(Optional.empty(), netstring("-1:,"));
    }

    @Test
    void aNewUserGoesToTheLiveNodeWithTheFewestUsers() {
        NodeInfo a = new NodeInfo("a", "h:1", "h:2", "h:3");
        NodeInfo b = new NodeInfo("b", "h:1", "h:2", "h:3");
        NodeInfo noPop3 = new NodeInfo("c", "", "h:2", "h:3");
        Map<String, NodeInfo> live = Map.of("a", a, "b", b, "c", noPop3);
        assertEquals(Optional.of("b"), ClusterUsers.choose(Map.of("a", 5L, "b", 4L, "c", 0L), live, n -> false));
        assertEquals(
                Optional.of("a"), ClusterUsers.choose(Map.of("a", 4L, "b", 4L), live, n -> false), "ties: first name");
        assertEquals(
                Optional.of("b"),
                ClusterUsers.choose(Map.of("a", 1L, "dead", 0L), live, n -> false),
                "only live nodes");
        assertEquals(Optional.empty(), ClusterUsers.choose(Map.of(), Map.of("c", noPop3), n -> false));
        assertEquals(
                Optional.of("b"),
                ClusterUsers.choose(Map.of("a", 0L, "b", 9L), live, "a"::equals),
                "never a node being drained");
    }

    @Test
    void nodeAddressesParse() {
        assertEquals(Optional.of(new HostPort("10.0.0.1", 110)), HostPort.parse("10.0.0.1:110"));
        assertEquals(Optional.of(new HostPort("::1", 24)), HostPort.parse("[::1]:24"));
        assertEquals(Optional.empty(), HostPort.parse(""));
        assertEquals(Optional.empty(), HostPort.parse("host"));
        assertEquals(Optional.empty(), HostPort.parse("host:0"));
        assertEquals(Optional.empty(), HostPort.parse("host:65536"));
        assertEquals(Optional.empty(), HostPort.parse("host:x"));
    }

    @Test
    void etcdPrefixRangeEnd() {
        assertEquals("/poplar0", new String(EtcdClient.rangeEnd("/poplar/"), StandardCharsets.UTF_8));
    }
}

package dev.poplar.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) as nginx and HAProxy
 * send it: the client's address is taken from it, nothing after it is consumed, and anything else
 * is refused without a name lookup.
 */
class ProxyProtocolTest {
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static ByteArrayInputStream stream(byte[] header, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(after.getBytes(StandardCharsets.US_ASCII));
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static String rest(ByteArrayInputStream in) {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void versionOneGivesTheSourceAddressAndLeavesTheProtocolBehindIt() throws IOException {
        ByteArrayInputStream in = stream(ProxyProtocol.v1Header("203.0.113.7", "10.0.0.1", 51234, 110), "USER x\r\n");
        assertEquals(Optional.of(InetAddress.getByName("203.0.113.7")), ProxyProtocol.read(in));
        assertEquals("USER x\r\n", rest(in));
        ByteArrayInputStream v6 = stream(ProxyProtocol.v1Header("2001:db8::7", "2001:db8::1", 1, 110), "");
        assertEquals(Optional.of(InetAddress.getByName("2001:db8::7")), ProxyProtocol.read(v6));
        assertArrayEquals(
                "PROXY TCP6 2001:db8::7 ::1 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
                ProxyProtocol.v1Header("2001:db8::7", "::1", 1, 2));
        ByteArrayInputStream lf =
                stream("PROXY TCP4 198.51.100.2 10.0.0.1 1 2\n".getBytes(StandardCharsets.US_ASCII), "X");
        assertEquals(Optional.of(InetAddress.getByName("198.51.100.2")), ProxyProtocol.read(lf));
        assertEquals("X", rest(lf));
    }

    @Test
    void versionOneUnknownKeepsThePeerAddress() throws IOException {
        ByteArrayInputStream in = stream("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII), "CAPA\r\n");
        assertEquals(Optional.empty(), ProxyProtocol.read(in));
        assertEquals("CAPA\r\n", rest(in));
    }

    @Test
    void malformedVersionOneHeadersAreRefused() {
        for (String bad : new String[] {
            "PROXI TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
            "PROXY\r\n",
            "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n",
            "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
            "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",
            "PROXY TCP4 localhost 5.6.7.8 1 2\r\n", // a name is never looked up
            "PROXY TCP4 1.2.3.4", // the connection ends inside the header
            "USER alice\r\n", // no header at all
        }) {
            assertThrows(
                    IOException.class,
                    () -> ProxyProtocol.read(stream(bad.getBytes(StandardCharsets.US_ASCII), "")),
                    bad);
        }
    }

    @Test
    void anOverlongVersionOneHeaderIsCutAt107OctetsAndRefused() {
        String longLine = "PROXY TCP4 1.2.3.4 5.6.7.8 1 2" + " ".repeat(200) + "\r\nUSER x\r\n";
        ByteArrayInputStream in = stream(longLine.getBytes(StandardCharsets.US_ASCII), "");
        assertThrows(IOException.class, () -> ProxyProtocol.read(in));
        assertEquals(longLine.length() - 107, rest(in).length(), "read no more than the 107 octets v1 allows");
    }

    private static byte[] v2(int versionCommand, int family, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2);
        out.write(versionCommand);
        out.write(family);
        out.write(body.length >> 8);
        out.write(body.length & 0xff);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] addresses(InetAddress source, InetAddress destination) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(source.getAddress());
        out.writeBytes(destination.getAddress());
        out.write(0xc8);
        out.write(0x22);
        out.write(0x00);
        out.write(0x6e);
        return out.toByteArray();
    }

    @Test
    void versionTwoGivesTheSourceAddressForTcpOverIpv4AndIpv6() throws IOException {
        InetAddress v4 = InetAddress.getByName("192.0.2.9");
        ByteArrayInputStream in = stream(v2(0x21, 0x11, addresses(v4, InetAddress.getByName("10.0.0.1"))), "CAPA\r\n");
        assertEquals(Optional.of(v4), ProxyProtocol.read(in));
        assertEquals("CAPA\r\n", rest(in));
        InetAddress v6 = InetAddress.getByName("2001:db8::9");
        ByteArrayInputStream in6 = stream(v2(0x21, 0x21, addresses(v6, InetAddress.getByName("2001:db8::1"))), "");
        assertEquals(Optional.of(v6), ProxyProtocol.read(in6));
    }

    @Test
    void versionTwoLocalAndUnknownFamiliesKeepThePeerAddress() throws IOException {
        assertEquals(
                Optional.empty(), ProxyProtocol.read(stream(v2(0x20, 0x00, new byte[0]), "")), "LOCAL: a health check");
        assertEquals(Optional.empty(), ProxyProtocol.read(stream(v2(0x21, 0x31, new byte[216]), "")), "AF_UNIX");
        assertEquals(
                Optional.empty(), ProxyProtocol.read(stream(v2(0x21, 0x11, new byte[8]), "")), "too short for TCP4");
        assertEquals(
                Optional.empty(), ProxyProtocol.read(stream(v2(0x21, 0x21, new byte[20]), "")), "too short for TCP6");
        ByteArrayInputStream tlvs = stream(v2(0x21, 0x11, new byte[12 + 20]), "X");
        assertEquals(Optional.of(InetAddress.getByName("0.0.0.0")), ProxyProtocol.read(tlvs));
        assertEquals("X", rest(tlvs), "TLVs after the addresses are read with the header, not left for POP3");
    }

    @Test
    void malformedVersionTwoHeadersAreRefused() {
        byte[] badSignature = v2(0x21, 0x11, new byte[12]);
        badSignature[5] = 0x0E;
        byte[] truncated = v2(0x21, 0x11, new byte[12]);
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        byte[] shortSignature = java.util.Arrays.copyOf(V2, 9);
        for (byte[] bad : new byte[][] {
            badSignature, cut, shortSignature, v2(0x11, 0x11, new byte[12]), v2(0x31, 0x11, new byte[12])
        }) {
            assertThrows(IOException.class, () -> ProxyProtocol.read(stream(bad, "")));
        }
    }
}

package dev.poplar.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads the PROXY protocol header (HAProxy's spec, versions 1 and 2) that a trusted proxy such as
 * nginx sends first, to learn the real client address. Reads exactly the header, byte by byte,
 * so nothing of the protocol behind it is consumed.
 */
public final class ProxyProtocol {
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Version 1 headers are at most 107 octets including CRLF. */
    private static final int V1_MAX = 107;

    private ProxyProtocol() {}

    /** The client's address, or empty for "UNKNOWN" / LOCAL (keep the peer's). */
    public static Optional<InetAddress> read(InputStream in) throws IOException {
        int first = readByte(in);
        if (first == 'P') {
            return v1(in);
        }
        if (first == V2_SIGNATURE[0]) {
            return v2(in);
        }
        throw new IOException("no PROXY protocol header from a proxy that must send one");
    }

    private static Optional<InetAddress> v1(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder("P");
        boolean ended = false;
        while (!ended && line.length() < V1_MAX) {
            int b = readByte(in);
            ended = b == '\n';
            if (!ended) {
                line.append((char) b);
            }
        }
        if (!ended) {
            // The spec's bound: what follows an unended header would be read as POP3 commands.
            throw new IOException("PROXY v1 header without a line end in " + V1_MAX + " octets");
        }
        String header = line.toString().trim();
        String[] f = header.split(" ");
        if (!f[0].equals("PROXY") || f.length < 2) {
            throw new IOException("malformed PROXY v1 header");
        }
        if (f[1].equals("UNKNOWN")) {
            return Optional.empty();
        }
        if ((!f[1].equals("TCP4") && !f[1].equals("TCP6")) || f.length != 6) {
            throw new IOException("malformed PROXY v1 header");
        }
        return Optional.of(literal(f[2]));
    }

    private static Optional<InetAddress> v2(InputStream in) throws IOException {
        byte[] rest = in.readNBytes(15);
        if (rest.length != 15 || !Arrays.equals(rest, 0, 11, V2_SIGNATURE, 1, 12)) {
            throw new IOException("malformed PROXY v2 signature");
        }
        int versionCommand = rest[11] & 0xff;
        int family = rest[12] & 0xff;
        int length = ((rest[13] & 0xff) << 8) | (rest[14] & 0xff);
        byte[] body = in.readNBytes(length);
        if (body.length != length || (versionCommand >> 4) != 2) {
            throw new IOException("malformed PROXY v2 header");
        }
        if ((versionCommand & 0x0f) == 0) {
            return Optional.empty(); // LOCAL: the proxy's own health check
        }
        return switch (family >> 4) {
            case 1 ->
                length >= 12 ? Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(body, 0, 4))) : Optional.empty();
            case 2 ->
                length >= 36
                        ? Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(body, 0, 16)))
                        : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** An address literal, never a name to look up (the header is untrusted text). */
    static InetAddress literal(String s) throws IOException {
        return AddressLiterals.parse(s).orElseThrow(() -> new IOException("PROXY header address is not a literal"));
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed inside the PROXY header");
        }
        return b;
    }

    /** Formats a v1 header (for tests and tools). */
    public static byte[] v1Header(String source, String destination, int sourcePort, int destinationPort) {
        String family = source.contains(":") ? "TCP6" : "TCP4";
        return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort
                        + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}

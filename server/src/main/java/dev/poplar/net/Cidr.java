package dev.poplar.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** An address block such as 10.0.0.0/8, 2001:db8::/32 or a single address. */
public record Cidr(byte[] network, int prefix) {

    /** Parses "a.b.c.d/n", "v6/n" or an address; throws IllegalArgumentException naming the text. */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        InetAddress a = AddressLiterals.parse(slash < 0 ? t : t.substring(0, slash))
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an address or address/prefix"));
        int bits = a.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        return new Cidr(a.getAddress(), prefix);
    }

    /** A comma-separated list; empty text is an empty list. */
    public static List<Cidr> parseList(String text) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        return out;
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        BigInteger mask = BigInteger.ONE
                .shiftLeft(a.length * 8)
                .subtract(BigInteger.ONE)
                .shiftRight(prefix)
                .not();
        return new BigInteger(1, a).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    public static boolean anyContains(List<Cidr> blocks, InetAddress address) {
        for (Cidr c : blocks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }
}

package dev.poplar.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Just enough DER (ITU-T X.690) to wrap PKCS#1 and SEC1 keys into PKCS#8 and to build a
 * self-signed certificate, without a crypto library beyond the JDK.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private Der() {
    }

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        byte[] c = content.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(c.length + 6);
        out.write(tag);
        if (c.length < 0x80) {
            out.write(c.length);
        } else {
            byte[] len = BigInteger.valueOf(c.length).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.writeBytes(c);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    static byte[] integer(BigInteger v) {
        return tlv(INTEGER, v.toByteArray());
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long v = Long.parseLong(arcs[i]);
            byte[] tmp = new byte[10];
            int n = 0;
            do {
                tmp[n++] = (byte) (v & 0x7f);
                v >>>= 7;
            } while (v > 0);
            for (int j = n - 1; j >= 0; j--) {
                out.write(tmp[j] | (j > 0 ? 0x80 : 0));
            }
        }
        return tlv(OID, out.toByteArray());
    }

    static byte[] utf8(String s) {
        return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bitString(byte[] bits) {
        byte[] b = new byte[bits.length + 1];
        System.arraycopy(bits, 0, b, 1, bits.length);
        return tlv(BIT_STRING, b);
    }

    /** Context-specific constructed tag [n]. */
    static byte[] explicit(int n, byte[]... parts) {
        return tlv(0xa0 | n, parts);
    }

    /** A read cursor over DER bytes. */
    static final class Reader {
        private final byte[] der;
        private int pos;

        Reader(byte[] der) {
            this(der, 0);
        }

        Reader(byte[] der, int pos) {
            this.der = der;
            this.pos = pos;
        }

        boolean hasMore(int end) {
            return pos < end;
        }

        int peekTag() {
            return der[pos] & 0xff;
        }

        /** Reads a header; returns {tag, contentStart, contentEnd} and moves into the content. */
        int[] enter() {
            int tag = der[pos++] & 0xff;
            int len = der[pos++] & 0xff;
            if (len >= 0x80) {
                int n = len & 0x7f;
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (der[pos++] & 0xff);
                }
            }
            return new int[] {tag, pos, pos + len};
        }

        /** Skips a whole element. */
        void skip() {
            int[] h = enter();
            pos = h[2];
        }

        /** The whole element (header and content) at the cursor, and moves past it. */
        byte[] element() {
            int start = pos;
            int[] h = enter();
            pos = h[2];
            return java.util.Arrays.copyOfRange(der, start, h[2]);
        }
    }
}

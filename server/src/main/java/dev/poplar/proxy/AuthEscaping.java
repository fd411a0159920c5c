package dev.poplar.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The escaping of user names and passwords in auth_http headers. nginx escapes Auth-User and
 * Auth-Pass (ngx_escape_uri, NGX_ESCAPE_MAIL_AUTH): %XX for '%', space and control characters;
 * anything else is as the client sent it. Node-to-node calls use the same form, escaping every
 * byte outside printable ASCII so that any password survives an HTTP header.
 */
public final class AuthEscaping {
    private AuthEscaping() {}

    /** A '%' not followed by two hex digits stands for itself. */
    public static String unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** %XX for '%' and every byte of the UTF-8 form outside '!'..'~'. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static int hex(byte b) {
        return Character.digit((char) b, 16);
    }
}

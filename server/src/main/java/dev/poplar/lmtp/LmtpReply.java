package dev.poplar.lmtp;

import java.util.List;

/**
 * One LMTP reply (RFC 5321 section 4.2): a code and one or more text lines, the enhanced status
 * code (RFC 3463) leading the text where there is one. {@link LmtpWriter} turns it into
 * "code-text" continuation lines and a final "code text".
 */
record LmtpReply(int code, List<String> lines) {
    LmtpReply {
        if (code < 200 || code > 599 || lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs a code 2xx-5xx and a line");
        }
        lines = List.copyOf(lines);
    }

    static LmtpReply of(int code, String text) {
        return new LmtpReply(code, List.of(text));
    }
}

package dev.poplar.lmtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns {@link LmtpReply} values into lines (RFC 5321 section 4.2.1: "250-..." for all but the
 * last line of a reply), held until {@link #flush}, so a pipelined batch (RFC 2920) leaves in one
 * write.
 */
final class LmtpWriter {
    private final OutputStream out;
    private final StringBuilder pending = new StringBuilder();

    LmtpWriter(OutputStream out) {
        this.out = out;
    }

    void write(LmtpReply reply) {
        for (int i = 0; i < reply.lines().size(); i++) {
            pending.append(reply.code())
                    .append(i == reply.lines().size() - 1 ? ' ' : '-')
                    .append(reply.lines().get(i))
                    .append("\r\n");
        }
    }

    void flush() throws IOException {
        if (!pending.isEmpty()) {
            out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            pending.setLength(0);
        }
    }
}

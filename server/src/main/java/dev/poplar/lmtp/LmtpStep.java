package dev.poplar.lmtp;

import dev.poplar.session.Effect;
import java.util.List;

/**
 * The outcome of one LMTP step: the replies (after DATA one per recipient, RFC 2033 section
 * 4.2), the next state, what the runtime must do, and how many recipients this step delivered to
 * or turned away (for the session summary).
 */
record LmtpStep(List<LmtpReply> replies, LmtpState next, Effect effect, int delivered, int rejected) {
    LmtpStep {
        replies = List.copyOf(replies);
    }

    static LmtpStep reply(LmtpState next, LmtpReply reply) {
        return new LmtpStep(List.of(reply), next, Effect.NONE, 0, 0);
    }

    static LmtpStep reply(LmtpState next, int code, String text) {
        return reply(next, LmtpReply.of(code, text));
    }
}

package dev.poplar.pop3;

import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;

/**
 * The outcome of one POP3 step: the reply to send, the state the session is in after it, and
 * what the runtime must do once the reply is written.
 */
public record Pop3Step(Reply reply, SessionState next, Effect effect) {
    /** A reply that leaves the state as it is. */
    static Pop3Step stay(SessionState state, Reply reply) {
        return new Pop3Step(reply, state, Effect.NONE);
    }

    static Pop3Step to(SessionState next, Reply reply) {
        return new Pop3Step(reply, next, Effect.NONE);
    }

    static Pop3Step close(SessionState state, Reply reply, CloseReason reason) {
        return new Pop3Step(reply, state, Effect.close(reason));
    }
}

package dev.poplar.session;

import dev.poplar.net.CloseReason;

/**
 * What a protocol step asks of the session runtime once its reply is written: a closed set, so
 * the runtime's switch says what each means and a new effect does not compile until it does.
 */
public sealed interface Effect {
    /** Go on reading. */
    Effect NONE = new Continue();
    /** Switch to TLS once the reply is flushed (RFC 2595 section 4, STLS). */
    Effect START_TLS = new StartTls();

    static Effect close(CloseReason reason) {
        return new Close(reason);
    }

    record Continue() implements Effect {}

    record StartTls() implements Effect {}

    /** Flush the reply and close the connection, for {@code reason}. */
    record Close(CloseReason reason) implements Effect {}
}

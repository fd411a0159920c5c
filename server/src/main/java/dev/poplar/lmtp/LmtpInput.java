package dev.poplar.lmtp;

import dev.poplar.storage.WireMessage;

/** What the LMTP step function is fed: a command line, an over-long one, or the end of DATA. */
sealed interface LmtpInput {
    /** A command line without its line end. */
    record Line(String text) implements LmtpInput {}

    /** A command line over {@link LineReader#MAX_LINE} octets, swallowed to its end. */
    record TooLong() implements LmtpInput {}

    /** The DATA section ended (or was cut off): what became of it. */
    sealed interface DataEnd extends LmtpInput {
        /** True when the client sent far past the limit without ending the data: the session closes. */
        boolean cutOff();
    }

    /** The whole message, within the limits. */
    record Message(WireMessage message) implements DataEnd {
        public boolean cutOff() {
            return false;
        }
    }

    /** Over the SIZE limit (RFC 1870). */
    record TooLarge(boolean cutOff) implements DataEnd {}

    /** A line over {@code poplar.lmtp.max-line-length}. */
    record LineTooLong(boolean cutOff) implements DataEnd {}
}

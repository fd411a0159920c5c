package dev.poplar.pop3;

import dev.poplar.storage.ChunkReader;
import java.util.OptionalInt;

/**
 * A reply as a value. {@link ReplyWriter} is the only code that turns replies into bytes: it
 * owns CRLF, the multi-line terminator, dot-stuffing and flushing.
 */
public sealed interface Reply {
    /** True for +OK replies. */
    boolean ok();

    record Ok(String text) implements Reply {
        public boolean ok() {
            return true;
        }
    }

    record Err(ResponseCode code, String text) implements Reply {
        public Err(String text) {
            this(ResponseCode.NONE, text);
        }

        public boolean ok() {
            return false;
        }
    }

    /** A SASL challenge: "+ " and base64 data (RFC 5034 section 4). */
    record Continue(String base64) implements Reply {
        public boolean ok() {
            return true;
        }
    }

    /** +OK followed by lines (dot-stuffed by the writer) and the ".CRLF" terminator. */
    record MultiLine(String text, LineSource lines) implements Reply {
        public boolean ok() {
            return true;
        }
    }

    /**
     * +OK followed by a stored message in wire form (already dot-stuffed) and the terminator;
     * with {@code bodyLines} present, only the header section and that many body lines (TOP).
     */
    record Message(String text, ChunkReader reader, long headerWireLength, OptionalInt bodyLines) implements Reply {
        public boolean ok() {
            return true;
        }
    }

    /** Produces the lines of a multi-line reply without building a list of strings. */
    @FunctionalInterface
    interface LineSource {
        void writeTo(LineSink sink) throws java.io.IOException;
    }

    /** Receives lines without their CRLF. */
    interface LineSink {
        void line(String line) throws java.io.IOException;

        /** A line of two decimal numbers, e.g. a LIST entry "2 4096", without allocation. */
        void line(long a, long b) throws java.io.IOException;

        /** A line of a number and a string, e.g. a UIDL entry. */
        void line(long a, String b) throws java.io.IOException;

        /** "a prefix+b", e.g. the UIDL entry "7 mwx6f76a.42", without allocation. */
        void line(long a, byte[] prefix, long b) throws java.io.IOException;
    }
}

package dev.poplar.pop3;

/** What the parser made of one line. */
public sealed interface ParseResult {
    record Parsed(Command command) implements ParseResult {}

    /** A client response during a SASL exchange (RFC 5034 section 4): base64, or "*" to cancel. */
    record SaslResponse(String line) implements ParseResult {
        @Override
        public String toString() {
            return "SaslResponse[hidden]";
        }
    }

    /** A line that is not a valid command; {@code reason} becomes the -ERR text. */
    record Malformed(String keyword, String reason) implements ParseResult {}
}

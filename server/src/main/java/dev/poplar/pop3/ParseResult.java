package dev.poplar.pop3;

/** What the parser made of one line. */
public sealed interface ParseResult {
    record Parsed(Command command) implements ParseResult {
    }

    /** A line that is not a valid command; {@code reason} becomes the -ERR text. */
    record Malformed(String keyword, String reason) implements ParseResult {
    }
}

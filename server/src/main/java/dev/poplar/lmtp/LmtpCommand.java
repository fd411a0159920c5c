package dev.poplar.lmtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The LMTP commands (RFC 2033 section 4, RFC 5321 section 4.1), parsed from a line. */
sealed interface LmtpCommand {
    record Lhlo(String host) implements LmtpCommand {}

    /** HELO or EHLO: an SMTP greeting sent to an LMTP server. */
    record SmtpGreeting() implements LmtpCommand {}

    /** MAIL with the line as sent: its syntax is checked after the state (a MAIL before LHLO is a 503). */
    record Mail(String line) implements LmtpCommand {}

    /** RCPT with the line as sent, checked after the state like MAIL. */
    record Rcpt(String line) implements LmtpCommand {}

    record Data() implements LmtpCommand {}

    record Rset() implements LmtpCommand {}

    record Noop() implements LmtpCommand {}

    record Vrfy() implements LmtpCommand {}

    record Quit() implements LmtpCommand {}

    /** A line that is no valid command: the reply says why. */
    record Invalid(LmtpReply reply) implements LmtpCommand {}

    /** Parses one command line (without its line end). */
    static LmtpCommand parse(String line) {
        if (hasControlCharacter(line)) {
            // A CR, NUL or other control character inside a command line would travel into the
            // stored Return-Path (header injection); only the CRLF that ends it may be there.
            return new Invalid(LmtpReply.of(501, "5.5.2 Control characters are not allowed in commands"));
        }
        String upper = line.toUpperCase(Locale.ROOT);
        return switch (upper.split(" ", 2)[0]) {
            case "LHLO" ->
                line.trim().length() <= 4
                        ? new Invalid(LmtpReply.of(501, "5.5.4 LHLO needs a host name"))
                        : new Lhlo(line.substring(5).trim());
            case "HELO", "EHLO" -> new SmtpGreeting();
            case "MAIL" -> new Mail(line);
            case "RCPT" -> new Rcpt(line);
            case "DATA" -> new Data();
            case "RSET" -> new Rset();
            case "NOOP" -> new Noop();
            case "VRFY" -> new Vrfy();
            case "QUIT" -> new Quit();
            default -> new Invalid(LmtpReply.of(500, "5.5.2 Unknown command"));
        };
    }

    private static boolean hasControlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path of a MAIL line, or the reply saying what is wrong with it. RFC 5321 section 4.1.1.2.
     */
    static Path.Parsed sender(String line) {
        if (!line.toUpperCase(Locale.ROOT).startsWith("MAIL FROM:")) {
            return new Path.Parsed(
                    null, LmtpReply.of(501, "5.5.4 Syntax: MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME]"));
        }
        return Path.parse(line.substring(10))
                .map(p -> new Path.Parsed(p, null))
                .orElse(new Path.Parsed(null, LmtpReply.of(501, "5.1.7 Bad sender address syntax")));
    }

    /** The path of a RCPT line, or the reply saying what is wrong with it. RFC 5321 section 4.1.1.3. */
    static Path.Parsed recipient(String line) {
        if (!line.toUpperCase(Locale.ROOT).startsWith("RCPT TO:")) {
            return new Path.Parsed(null, LmtpReply.of(501, "5.5.4 Syntax: RCPT TO:<address>"));
        }
        return Path.parse(line.substring(8))
                .filter(p -> !p.address().isEmpty())
                .map(p -> new Path.Parsed(p, null))
                .orElse(new Path.Parsed(null, LmtpReply.of(501, "5.1.3 Bad recipient address syntax")));
    }

    /** A reverse- or forward-path "<addr> params" (RFC 5321 section 4.1.2). */
    record Path(String address, List<String> parameters) {
        /** A path, or (with {@code path} null) the reply for a bad one. */
        record Parsed(Path path, LmtpReply error) {}

        static Optional<Path> parse(String s) {
            s = s.trim();
            if (!s.startsWith("<")) {
                return Optional.empty();
            }
            int close = s.indexOf('>');
            if (close < 0) {
                return Optional.empty();
            }
            String address = s.substring(1, close);
            if (address.indexOf(' ') >= 0) {
                return Optional.empty();
            }
            List<String> params = new ArrayList<>();
            for (String p : s.substring(close + 1).trim().split(" ")) {
                if (!p.isEmpty()) {
                    params.add(p);
                }
            }
            return Optional.of(new Path(address, List.copyOf(params)));
        }
    }
}

package dev.poplar.pop3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.OptionalInt;

/**
 * Incremental, pure POP3 command parser: bytes in, one {@link ParseResult} per line out, or
 * {@code null} when a line is not complete yet. It never blocks and never throws on input.
 *
 * <p>Lines end with CRLF or a bare LF (lenient; some scripts send LF). A line longer than
 * {@link #MAX_LINE_OCTETS} is swallowed up to its line end and reported once as malformed, so the
 * session resynchronises on the next line.
 */
public final class Pop3Parser {
    /**
     * RFC 2449 section 4 raised the command line limit to 255 octets; we accept 255 octets of
     * arguments after the keyword, so every compliant line fits.
     */
    public static final int MAX_ARGUMENT_OCTETS = 255;
    /** Keyword (up to 4 octets, RFC 2449 section 4) plus a space, the arguments and CRLF. */
    public static final int MAX_LINE_OCTETS = 4 + 1 + MAX_ARGUMENT_OCTETS + 2;

    /**
     * RFC 5034 sets no limit on SASL responses; OAuth tokens run to a few kilobytes. 16 KiB, and
     * the buffer exists only while an exchange runs.
     */
    public static final int MAX_SASL_LINE_OCTETS = 16 * 1024;

    private byte[] line = new byte[MAX_LINE_OCTETS];
    private int length;
    private boolean overlong;
    private boolean sasl;

    /** Lines are SASL responses (true) or commands (false); switched between lines by the session. */
    public void saslMode(boolean on) {
        if (on != sasl) {
            sasl = on;
            line = new byte[on ? MAX_SASL_LINE_OCTETS : MAX_LINE_OCTETS];
            length = 0;
            overlong = false;
        }
    }

    /** Forgets any partial line (RFC 2595 section 4: input before the TLS switch is discarded). */
    public void reset() {
        length = 0;
        overlong = false;
    }

    /** True while part of a line is buffered. */
    public boolean hasPartialLine() {
        return length > 0 || overlong;
    }

    /** Consumes input up to and including one line end; null when more input is needed. */
    public ParseResult next(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                ParseResult result;
                if (sasl) {
                    result = overlong
                            ? new ParseResult.Malformed("AUTH", "SASL response too long")
                            : new ParseResult.SaslResponse(
                                    new String(line, 0, stripCr(length), StandardCharsets.US_ASCII));
                } else {
                    result = overlong
                            ? new ParseResult.Malformed("", "Line too long (RFC 2449 limits commands to 255 octets)")
                            : parseLine(line, stripCr(length));
                }
                length = 0;
                overlong = false;
                if (!sasl && line.length > MAX_LINE_OCTETS) {
                    line = new byte[MAX_LINE_OCTETS]; // give back the long AUTH line's buffer
                }
                return result;
            }
            if (overlong) {
                continue;
            }
            if (length == line.length) {
                if (!sasl && line.length < MAX_SASL_LINE_OCTETS && isAuthLine()) {
                    // RFC 5034 section 4 keeps AUTH within 255 octets and sends longer initial
                    // responses as a continuation, but some clients send long tokens inline anyway.
                    line = java.util.Arrays.copyOf(line, MAX_SASL_LINE_OCTETS);
                } else {
                    overlong = true;
                    length = 0;
                    continue;
                }
            }
            line[length++] = b;
        }
        return null;
    }

    private boolean isAuthLine() {
        return length >= 5
                && (line[0] | 0x20) == 'a'
                && (line[1] | 0x20) == 'u'
                && (line[2] | 0x20) == 't'
                && (line[3] | 0x20) == 'h'
                && line[4] == ' ';
    }

    private int stripCr(int len) {
        return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
    }

    /** Parses one complete line without its line end. */
    static ParseResult parseLine(byte[] buf, int len) {
        int space = 0;
        while (space < len && buf[space] != ' ') {
            space++;
        }
        String keyword = upperAscii(buf, space);
        if (keyword.isEmpty()) {
            return new ParseResult.Malformed("", "Empty command");
        }
        for (int i = 0; i < len; i++) {
            // Unsigned: bytes of UTF-8 (0x80-0xFF; RFC 6856 territory, "Pässwort") are arguments, not controls.
            int b = buf[i] & 0xff;
            if (b < 0x20 || b == 0x7f) {
                return new ParseResult.Malformed(keyword, "Control characters are not allowed in commands");
            }
        }
        int argStart = Math.min(len, space + 1);
        if (len - argStart > MAX_ARGUMENT_OCTETS && !keyword.equals("AUTH")) {
            return new ParseResult.Malformed(keyword, "Arguments too long (RFC 2449 limits commands to 255 octets)");
        }
        String rest = new String(buf, argStart, len - argStart, StandardCharsets.UTF_8);
        java.util.List<String> args = split(rest);
        Pop3Keyword known = Pop3Keyword.lookup(keyword);
        if (known == null) {
            return malformed(keyword, "Unknown command");
        }
        return switch (known) {
            case USER ->
                args.size() == 1
                        ? parsed(new Command.User(args.getFirst()))
                        : malformed(keyword, "USER needs exactly one argument: the user name");
            // RFC 1939 section 7: the password is the rest of the line and may contain spaces.
            case PASS ->
                rest.isEmpty()
                        ? malformed(keyword, "PASS needs the password as its argument")
                        : parsed(new Command.Pass(rest));
            case QUIT -> noArgs(keyword, args, new Command.Quit());
            case STAT -> noArgs(keyword, args, new Command.Stat());
            case NOOP -> noArgs(keyword, args, new Command.Noop());
            case RSET -> noArgs(keyword, args, new Command.Rset());
            case CAPA -> noArgs(keyword, args, new Command.Capa());
            case STLS -> noArgs(keyword, args, new Command.Stls());
            case APOP ->
                args.size() == 2 && args.get(1).matches("[0-9a-fA-F]{32}")
                        ? parsed(new Command.Apop(args.get(0), args.get(1)))
                        : malformed(keyword, "APOP needs a user name and a 32-digit hex digest");
            case AUTH ->
                args.size() > 2
                        ? malformed(keyword, "AUTH takes a mechanism and an optional initial response")
                        : parsed(new Command.Auth(
                                args.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(args.get(0)),
                                args.size() < 2 ? java.util.Optional.empty() : java.util.Optional.of(args.get(1))));
            case LIST -> optionalMessage(keyword, args, m -> new Command.List(m));
            case UIDL -> optionalMessage(keyword, args, m -> new Command.Uidl(m));
            case RETR -> oneMessage(keyword, args, m -> new Command.Retr(m));
            case DELE -> oneMessage(keyword, args, m -> new Command.Dele(m));
            case TOP -> top(args);
        };
    }

    private static ParseResult top(java.util.List<String> args) {
        if (args.size() != 2) {
            return malformed("TOP", "TOP needs a message number and a line count");
        }
        OptionalInt msg = number(args.get(0));
        OptionalInt lines = number(args.get(1));
        if (msg.isEmpty()) {
            return malformed("TOP", "Invalid message number");
        }
        if (lines.isEmpty()) {
            return malformed("TOP", "Invalid line count");
        }
        return parsed(new Command.Top(msg.getAsInt(), lines.getAsInt()));
    }

    private static ParseResult noArgs(String keyword, java.util.List<String> args, Command command) {
        return args.isEmpty() ? parsed(command) : malformed(keyword, keyword + " takes no arguments");
    }

    private static ParseResult optionalMessage(
            String keyword, java.util.List<String> args, java.util.function.Function<OptionalInt, Command> make) {
        if (args.isEmpty()) {
            return parsed(make.apply(OptionalInt.empty()));
        }
        if (args.size() > 1) {
            return malformed(keyword, keyword + " takes at most one argument");
        }
        OptionalInt msg = number(args.getFirst());
        return msg.isPresent() ? parsed(make.apply(msg)) : malformed(keyword, "Invalid message number");
    }

    private static ParseResult oneMessage(
            String keyword, java.util.List<String> args, java.util.function.IntFunction<Command> make) {
        if (args.size() != 1) {
            return malformed(keyword, keyword + " needs a message number");
        }
        OptionalInt msg = number(args.getFirst());
        return msg.isPresent() ? parsed(make.apply(msg.getAsInt())) : malformed(keyword, "Invalid message number");
    }

    /** A decimal number 0..Integer.MAX_VALUE; anything else (sign, letters, overflow) is empty. */
    static OptionalInt number(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return OptionalInt.empty();
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalInt.empty();
            }
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) v);
    }

    private static java.util.List<String> split(String rest) {
        java.util.List<String> out = new ArrayList<>(2);
        for (String part : rest.split(" ")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static String upperAscii(byte[] buf, int len) {
        char[] out = new char[Math.min(len, 16)];
        for (int i = 0; i < out.length; i++) {
            int c = buf[i] & 0xff;
            out[i] = (char) (c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        return new String(out);
    }

    private static ParseResult parsed(Command c) {
        return new ParseResult.Parsed(c);
    }

    private static ParseResult malformed(String keyword, String reason) {
        return new ParseResult.Malformed(keyword, reason);
    }
}

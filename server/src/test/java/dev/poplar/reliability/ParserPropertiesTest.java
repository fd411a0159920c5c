package dev.poplar.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.pop3.ParseResult;
import dev.poplar.pop3.Pop3Parser;
import dev.poplar.storage.WireMessageBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property-based tests of the parsers (jqwik): any byte sequence gives commands or clean errors,
 * never an exception, and the result does not depend on how the bytes were split.
 */
class ParserPropertiesTest {

    private static List<ParseResult> parse(byte[] input, int chunk, boolean sasl) {
        Pop3Parser parser = new Pop3Parser();
        parser.saslMode(sasl);
        List<ParseResult> out = new ArrayList<>();
        for (int off = 0; off < input.length; off += chunk) {
            ByteBuffer b = ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off));
            for (ParseResult r; (r = parser.next(b)) != null; ) {
                out.add(r);
            }
        }
        return out;
    }

    @Provide
    Arbitrary<byte[]> commandish() {
        Arbitrary<String> word = Arbitraries.of(
                "USER", "PASS", "STAT", "LIST", "RETR", "DELE", "TOP", "UIDL", "NOOP", "RSET", "QUIT", "CAPA", "STLS",
                "AUTH", "APOP", "list", "xyz", "", ".", "\0");
        Arbitrary<String> arg = Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 100000).map(String::valueOf),
                Arbitraries.strings().ofMaxLength(300),
                Arbitraries.of("2147483648", "99999999999", "=", "*"));
        Arbitrary<String> line = Arbitraries.oneOf(
                word.flatMap(w -> arg.list().ofMaxSize(3).map(a -> w + (a.isEmpty() ? "" : " " + String.join(" ", a)))),
                Arbitraries.strings().ofMaxLength(600));
        Arbitrary<String> end = Arbitraries.of("\r\n", "\n", "\r", "");
        return line.flatMap(l -> end.map(e -> l + e))
                .list()
                .ofMaxSize(30)
                .map(ls -> String.join("", ls).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property(tries = 300)
    void anyCommandStreamParsesWithoutExceptionsAtAnySplit(
            @ForAll("commandish") byte[] input, @ForAll @IntRange(min = 1, max = 64) int chunk) {
        List<ParseResult> whole = parse(input, Math.max(1, input.length), false);
        assertEquals(whole, parse(input, chunk, false));
        int lineEnds = 0;
        for (byte b : input) {
            if (b == '\n') {
                lineEnds++;
            }
        }
        assertEquals(lineEnds, whole.size(), "one result per line end");
    }

    /**
     * Any bytes, any split, either mode: exactly one result per line end, and the result an
     * independent model of the limits predicts: an over-long line is "Line too long" (SASL:
     * "SASL response too long"), a command line with a control character (and only then) is
     * refused for it, a SASL line is returned as sent.
     */
    @Property(tries = 400)
    void randomBytesGiveWhatTheModelPredicts(
            @ForAll("bytesWithLines") byte[] input,
            @ForAll @IntRange(min = 1, max = 300) int chunk,
            @ForAll boolean sasl) {
        List<ParseResult> results = parse(input, chunk, sasl);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(input, start, i));
                start = i + 1;
            }
        }
        assertEquals(lines.size(), results.size(), "one result per line end");
        for (int i = 0; i < lines.size(); i++) {
            byte[] raw = lines.get(i);
            ParseResult r = results.get(i);
            int len = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            if (sasl) {
                if (raw.length > Pop3Parser.MAX_SASL_LINE_OCTETS) {
                    assertEquals(new ParseResult.Malformed("AUTH", "SASL response too long"), r);
                } else {
                    assertEquals(new ParseResult.SaslResponse(new String(raw, 0, len, StandardCharsets.US_ASCII)), r);
                }
                continue;
            }
            boolean auth =
                    raw.length >= 5 && new String(raw, 0, 5, StandardCharsets.ISO_8859_1).equalsIgnoreCase("auth ");
            if (raw.length > (auth ? Pop3Parser.MAX_SASL_LINE_OCTETS : Pop3Parser.MAX_LINE_OCTETS)) {
                assertTrue(
                        r instanceof ParseResult.Malformed m && m.reason().startsWith("Line too long"), r.toString());
                continue;
            }
            boolean control = false;
            for (int k = 0; k < len; k++) {
                int b = raw[k] & 0xff;
                control |= b < 0x20 || b == 0x7f;
            }
            boolean emptyKeyword = len == 0 || raw[0] == ' ';
            boolean refusedForControl = r instanceof ParseResult.Malformed m
                    && m.reason().equals("Control characters are not allowed in commands");
            assertEquals(
                    control && !emptyKeyword, refusedForControl, "line " + java.util.Arrays.toString(raw) + " -> " + r);
        }
    }

    @Provide
    Arbitrary<byte[]> bytesWithLines() {
        // Random bytes (UTF-8 and controls alike), with line ends common enough to make many lines
        // and a few lines long enough to cross each limit.
        Arbitrary<byte[]> piece = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.of("\r\n", "\n", "AUTH ", "USER ", "PASS P\u00e4ss\r\n")
                        .map(t -> t.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(250, 300).map(n -> "x".repeat(n).getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.integers()
                        .between(16_370, 16_400)
                        .map(n -> "y".repeat(n).getBytes(StandardCharsets.US_ASCII)));
        return piece.list().ofMaxSize(40).map(ps -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ps.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    @Property(tries = 200)
    void wireFormRoundTripsAnyMessage(@ForAll @Size(max = 3000) byte[] raw) {
        byte[] wire = WireMessageBuilder.fromRaw(raw).toByteArray();
        // Undo dot-stuffing: the result is the message with every line CRLF-terminated.
        String unstuffed = new String(wire, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n");
        if (unstuffed.startsWith(".")) {
            unstuffed = unstuffed.substring(1);
        }
        // The model: split at LF; drop one CR before each LF; a last unterminated line (a trailing
        // CR there too) ends with CRLF.
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        StringBuilder normalised = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i == text.length() && start == i) {
                    break;
                }
                String line = text.substring(start, i);
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                normalised.append(line).append("\r\n");
                start = i + 1;
            }
        }
        assertEquals(normalised.toString(), unstuffed);
        assertEquals(WireMessageBuilder.fromRaw(raw).octets(), unstuffed.length());
    }
}

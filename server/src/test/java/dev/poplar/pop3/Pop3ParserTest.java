package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pop3ParserTest {

    private static final String SCRIPT = "USER alice\r\nPASS my secret pass\r\nstat\r\nLIST\r\nlist 2\r\n"
            + "UIDL\r\nUIDL 7\r\nRETR 1\r\nTOP 3 0\r\nTOP 3 10\r\nDELE 2\r\nNOOP\r\nRSET\r\nCAPA\nQUIT\r\n";

    private static final List<ParseResult> EXPECTED = List.of(
            parsed(new Command.User("alice")),
            parsed(new Command.Pass("my secret pass")),
            parsed(new Command.Stat()),
            parsed(new Command.List(OptionalInt.empty())),
            parsed(new Command.List(OptionalInt.of(2))),
            parsed(new Command.Uidl(OptionalInt.empty())),
            parsed(new Command.Uidl(OptionalInt.of(7))),
            parsed(new Command.Retr(1)),
            parsed(new Command.Top(3, 0)),
            parsed(new Command.Top(3, 10)),
            parsed(new Command.Dele(2)),
            parsed(new Command.Noop()),
            parsed(new Command.Rset()),
            parsed(new Command.Capa()),
            parsed(new Command.Quit()));

    private static ParseResult parsed(Command c) {
        return new ParseResult.Parsed(c);
    }

    static List<ParseResult> parseInChunks(byte[] input, int chunk) {
        Pop3Parser parser = new Pop3Parser();
        List<ParseResult> out = new ArrayList<>();
        for (int off = 0; off < input.length; off += chunk) {
            ByteBuffer b = ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off));
            for (ParseResult r; (r = parser.next(b)) != null; ) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void sameCommandsWhateverTheChunkSize() {
        byte[] input = SCRIPT.getBytes(StandardCharsets.US_ASCII);
        for (int chunk = 1; chunk <= input.length; chunk++) {
            assertEquals(EXPECTED, parseInChunks(input, chunk), "chunk size " + chunk);
        }
    }

    @Test
    void incompleteLineNeedsMoreInput() {
        Pop3Parser parser = new Pop3Parser();
        assertNull(parser.next(ByteBuffer.wrap("STA".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(
                parsed(new Command.Stat()), parser.next(ByteBuffer.wrap("T\r\n".getBytes(StandardCharsets.US_ASCII))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''                    | Empty command",
                "FOO                   | Unknown command",
                "RETR                  | RETR needs a message number",
                "RETR x                | Invalid message number",
                "RETR -1               | Invalid message number",
                "RETR 1 2              | RETR needs a message number",
                "RETR 99999999999      | Invalid message number",
                "RETR 2147483648       | Invalid message number",
                "DELE                  | DELE needs a message number",
                "TOP 1                 | TOP needs a message number and a line count",
                "TOP 1 x               | Invalid line count",
                "TOP x 1               | Invalid message number",
                "LIST a                | Invalid message number",
                "LIST 1 2              | LIST takes at most one argument",
                "UIDL 0x1              | Invalid message number",
                "STAT 1                | STAT takes no arguments",
                "QUIT now              | QUIT takes no arguments",
                "USER                  | USER needs exactly one argument: the user name",
                "USER a b              | USER needs exactly one argument: the user name",
                "PASS                  | PASS needs the password as its argument",
            })
    void malformedLinesAreRejectedWithAReason(String line, String reason) {
        List<ParseResult> r = parseInChunks((line + "\r\n").getBytes(StandardCharsets.US_ASCII), 1000);
        assertEquals(1, r.size());
        ParseResult.Malformed m = assertInstanceOf(ParseResult.Malformed.class, r.getFirst());
        assertEquals(reason, m.reason());
    }

    @Test
    void controlCharactersAndNulsAreRejected() {
        List<ParseResult> r =
                parseInChunks("US\0ER a\r\nSTAT\u0007\r\nNOOP\r\n".getBytes(StandardCharsets.ISO_8859_1), 3);
        assertInstanceOf(ParseResult.Malformed.class, r.get(0));
        assertInstanceOf(ParseResult.Malformed.class, r.get(1));
        assertEquals(parsed(new Command.Noop()), r.get(2), "resynchronised on the next line");
    }

    @Test
    void aControlCharacterInAKnownCommandIsRejectedForWhatItIs() {
        List<ParseResult> r =
                parseInChunks("USER al\u0001ice\r\nPASS a\u007fb\r\n".getBytes(StandardCharsets.ISO_8859_1), 1);
        assertEquals(new ParseResult.Malformed("USER", "Control characters are not allowed in commands"), r.get(0));
        assertEquals(new ParseResult.Malformed("PASS", "Control characters are not allowed in commands"), r.get(1));
    }

    @Test
    void utf8ArgumentsAreNotControlCharacters() {
        // Bytes 0x80-0xFF are UTF-8, not controls (RFC 6856): "Pässwort-1" must reach the login.
        List<ParseResult> r = parseInChunks("PASS Pässwort-1\r\nUSER jürgen\r\n".getBytes(StandardCharsets.UTF_8), 2);
        assertEquals(List.of(parsed(new Command.Pass("Pässwort-1")), parsed(new Command.User("jürgen"))), r);
    }

    @Test
    void argumentsUpTo255OctetsAreAcceptedAndLongerRejected() {
        String name = "u".repeat(255);
        assertEquals(
                List.of(parsed(new Command.User(name))),
                parseInChunks(("USER " + name + "\r\n").getBytes(StandardCharsets.US_ASCII), 64));
        List<ParseResult> r = parseInChunks(("USER " + name + "x\r\nNOOP\r\n").getBytes(StandardCharsets.US_ASCII), 64);
        assertInstanceOf(ParseResult.Malformed.class, r.get(0));
        assertEquals(parsed(new Command.Noop()), r.get(1));
    }

    @Test
    void aHugeLineIsSwallowedAndReportedOnceThenParsingResumes() {
        byte[] junk = ("X".repeat(1_000_000) + "\r\nSTAT\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int chunk : new int[] {1, 7, 4096, junk.length}) {
            List<ParseResult> r = parseInChunks(junk, chunk);
            assertEquals(2, r.size(), "chunk " + chunk);
            assertEquals(
                    "Line too long (RFC 2449 limits commands to 255 octets)",
                    assertInstanceOf(ParseResult.Malformed.class, r.get(0)).reason());
            assertEquals(parsed(new Command.Stat()), r.get(1));
        }
    }

    @Test
    void keywordsAreCaseInsensitiveAndArgumentsKeepTheirCase() {
        assertEquals(
                List.of(parsed(new Command.User("Alice")), parsed(new Command.Top(1, 2))),
                parseInChunks("uSeR Alice\r\ntop 1 2\r\n".getBytes(StandardCharsets.US_ASCII), 5));
    }

    @Test
    void passwordToStringHidesThePassword() {
        assertEquals("Pass[password hidden]", new Command.Pass("hunter2").toString());
    }

    @Test
    void longAuthLinesAreAcceptedUpToTheSaslLimitAndOthersAreNot() {
        String token = "A".repeat(4000);
        List<ParseResult> r = parseInChunks(
                ("AUTH XOAUTH2 " + token + "\r\nUSER " + token + "\r\nNOOP\r\n").getBytes(StandardCharsets.US_ASCII),
                97);
        assertEquals(
                parsed(new Command.Auth(java.util.Optional.of("XOAUTH2"), java.util.Optional.of(token))), r.get(0));
        assertInstanceOf(ParseResult.Malformed.class, r.get(1));
        assertEquals(parsed(new Command.Noop()), r.get(2));
    }

    @Test
    void saslModeReturnsWholeResponsesAndCapsThem() {
        Pop3Parser parser = new Pop3Parser();
        parser.saslMode(true);
        String response = "B".repeat(10_000);
        ByteBuffer in =
                ByteBuffer.wrap((response + "\r\n" + "C".repeat(20_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ParseResult.SaslResponse(response), parser.next(in));
        assertEquals(
                "SASL response too long",
                assertInstanceOf(ParseResult.Malformed.class, parser.next(in)).reason());
    }
}

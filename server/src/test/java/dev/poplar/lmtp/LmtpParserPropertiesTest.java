package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.poplar.storage.WireMessageBuilder;
import java.io.ByteArrayOutputStream;
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

/**
 * jqwik: the LMTP line reader and DATA decoder, fed any bytes at any split, against independent
 * reference models written in the plainest way (whole-input string operations), never against
 * themselves.
 */
class LmtpParserPropertiesTest {

    @Provide
    Arbitrary<byte[]> lmtpish() {
        Arbitrary<byte[]> piece = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30),
                Arbitraries.of(
                                "\r\n",
                                "\n",
                                "\r",
                                ".",
                                "..",
                                "\r\n.\r\n",
                                "\n.\n",
                                "\n.\r\n",
                                "\r.\r\n",
                                ".\r",
                                "MAIL FROM:<a@b>",
                                "Subject: x",
                                "\u00e4\u00f6")
                        .map(t -> t.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers()
                        .between(LineReader.MAX_LINE - 3, LineReader.MAX_LINE + 3)
                        .map(n -> "L".repeat(n).getBytes(StandardCharsets.US_ASCII)));
        return piece.list().ofMaxSize(40).map(ps -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ps.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    // ---- LineReader ---------------------------------------------------------------------------

    @Property(tries = 400)
    void lineReaderGivesTheModelsLinesAtAnySplit(
            @ForAll("lmtpish") byte[] input, @ForAll @IntRange(min = 1, max = 97) int chunk) {
        assertEquals(lineModel(input), lines(input, chunk));
    }

    /** The model: split at LF; a line of more than MAX_LINE octets (before the LF) is TOO_LONG; else one CR is dropped. */
    private static List<LmtpInput> lineModel(byte[] input) {
        List<LmtpInput> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                int len = i - start;
                if (len > LineReader.MAX_LINE) {
                    out.add(new LmtpInput.TooLong());
                } else {
                    int end = len > 0 && input[i - 1] == '\r' ? i - 1 : i;
                    out.add(new LmtpInput.Line(new String(input, start, end - start, StandardCharsets.UTF_8)));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static List<LmtpInput> lines(byte[] input, int chunk) {
        LineReader r = new LineReader();
        List<LmtpInput> out = new ArrayList<>();
        for (int off = 0; off < input.length; off += chunk) {
            ByteBuffer b = ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off));
            for (LmtpInput l; (l = r.next(b)) != null; ) {
                out.add(l);
            }
        }
        return out;
    }

    // ---- DataDecoder ----------------------------------------------------------------------------

    @Property(tries = 400)
    void dataDecoderStoresWhatTheModelSaysAtAnySplit(
            @ForAll("lmtpish") byte[] body, @ForAll @IntRange(min = 1, max = 50) int chunk) {
        byte[] input = (new String(body, StandardCharsets.ISO_8859_1) + "\r\n.\r\nAFTER")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(dataModel(input), decode(input, chunk));
    }

    /**
     * RFC 5321 section 4.5.2 in whole-string steps: the data ends at the first CRLF "." CRLF (the
     * data starts at a line start); split what comes before into CRLF lines; drop one leading dot
     * per line; every bare CR or LF left inside a line is a line break; store each line with CRLF,
     * dot-stuffed. Returns the stored wire form and what follows the end.
     */
    private static List<String> dataModel(byte[] input) {
        String s = "\r\n" + new String(input, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n.\r\n");
        String content = s.substring(2, end + 2); // including the CRLF before the dot (or empty)
        String rest = s.substring(end + 5);
        StringBuilder wire = new StringBuilder();
        if (!content.isEmpty()) {
            String[] smtpLines = content.substring(0, content.length() - 2).split("\r\n", -1);
            for (String line : smtpLines) {
                String unstuffed = line.startsWith(".") ? line.substring(1) : line;
                for (String stored : unstuffed.split("\r|\n", -1)) {
                    wire.append(stored.startsWith(".") ? "." : "")
                            .append(stored)
                            .append("\r\n");
                }
            }
        }
        return List.of(wire.toString(), rest);
    }

    private static List<String> decode(byte[] input, int chunk) {
        DataDecoder d = new DataDecoder();
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        for (int off = 0; off < input.length; off += chunk) {
            ByteBuffer buf = ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off));
            if (d.feed(buf, b)) {
                String rest =
                        new String(input, buf.position(), input.length - buf.position(), StandardCharsets.ISO_8859_1);
                return List.of(new String(b.build().toByteArray(), StandardCharsets.ISO_8859_1), rest);
            }
        }
        throw new AssertionError("no end of data found");
    }
}

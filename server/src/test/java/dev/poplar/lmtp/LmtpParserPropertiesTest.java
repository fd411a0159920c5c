package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.poplar.storage.WireMessageBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** jqwik: the LMTP line reader and DATA decoder take any bytes at any split without exceptions. */
class LmtpParserPropertiesTest {

    @Property(tries = 300)
    void lineReaderGivesTheSameLinesAtAnySplit(@ForAll @Size(max = 6000) byte[] input,
                                               @ForAll @IntRange(min = 1, max = 97) int chunk) {
        assertEquals(lines(input, input.length + 1), lines(input, chunk));
    }

    private static List<String> lines(byte[] input, int chunk) {
        LineReader r = new LineReader();
        List<String> out = new ArrayList<>();
        for (int off = 0; off < input.length; off += chunk) {
            ByteBuffer b = ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off));
            for (String l; (l = r.next(b)) != null; ) {
                out.add(l);
            }
        }
        return out;
    }

    @Property(tries = 300)
    void dataDecoderAgreesWithItselfAtAnySplit(@ForAll @Size(max = 4000) byte[] body,
                                               @ForAll @IntRange(min = 1, max = 50) int chunk) {
        byte[] input = (new String(body, StandardCharsets.ISO_8859_1) + "\r\n.\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(decode(input, input.length), decode(input, chunk));
    }

    private static String decode(byte[] input, int chunk) {
        DataDecoder d = new DataDecoder();
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        for (int off = 0; off < input.length; off += chunk) {
            if (d.feed(ByteBuffer.wrap(input, off, Math.min(chunk, input.length - off)), b)) {
                break;
            }
        }
        return new String(b.build().toByteArray(), StandardCharsets.ISO_8859_1);
    }
}

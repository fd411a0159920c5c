package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.WireMessageBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataDecoderTest {

    /** Decodes at the given chunk size; returns the stored wire form and the bytes left unread. */
    private static String[] decode(String data, int chunk) {
        byte[] in = data.getBytes(StandardCharsets.ISO_8859_1);
        DataDecoder d = new DataDecoder();
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        for (int off = 0; off < in.length; off += chunk) {
            ByteBuffer buf = ByteBuffer.wrap(in, off, Math.min(chunk, in.length - off));
            if (d.feed(buf, b)) {
                String rest = new String(in, buf.position(), in.length - buf.position(), StandardCharsets.ISO_8859_1);
                return new String[] {new String(b.build().toByteArray(), StandardCharsets.ISO_8859_1), rest};
            }
        }
        throw new AssertionError("no end of data found");
    }

    @Test
    void unstuffsThenRestuffsToTheSameWireFormAtEveryChunkSize() {
        String data = "Subject: x\r\n\r\n..dot\r\n...two\r\n.x\r\nplain\r\n.\r\nQUIT\r\n";
        for (int chunk = 1; chunk <= data.length(); chunk++) {
            String[] r = decode(data, chunk);
            // ".x" lost its stuffing dot (RFC 5321 section 4.5.2), stored as "x".
            assertEquals("Subject: x\r\n\r\n..dot\r\n...two\r\nx\r\nplain\r\n", r[0], "chunk " + chunk);
            assertEquals("QUIT\r\n", r[1], "chunk " + chunk);
        }
    }

    @Test
    void bareLineFeedsAreAccepted() {
        String[] r = decode("A: b\n\nbody\n.\nNEXT", 3);
        assertEquals("A: b\r\n\r\nbody\r\n", r[0]);
        assertEquals("NEXT", r[1]);
    }

    @Test
    void dotCrWithoutLfIsDataNotTheEnd() {
        String[] r = decode("A: b\r\n\r\n.\rx\r\n.\r\n", 1);
        assertEquals("A: b\r\n\r\n\rx\r\n", r[0]);
    }

    @Test
    void emptyMessage() {
        String[] r = decode(".\r\n", 1);
        assertTrue(r[0].isEmpty());
    }
}

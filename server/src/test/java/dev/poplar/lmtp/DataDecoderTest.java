package dev.poplar.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void bareLineFeedsAreLineEndsButNeverTheEnd() {
        // "<LF>.<LF>" and "<LF>.<CR><LF>" end DATA for lax servers: here they are content, so
        // what follows cannot run as commands (SMTP smuggling; RFC 5321 section 4.1.1.4).
        for (int chunk = 1; chunk <= 8; chunk++) {
            String[] r = decode("A: b\n\nbody\n.\nMAIL FROM:<x>\n.\r\nmore\r\n.\r\nNEXT", chunk);
            assertEquals("A: b\r\n\r\nbody\r\n..\r\nMAIL FROM:<x>\r\n..\r\nmore\r\n", r[0], "chunk " + chunk);
            assertEquals("NEXT", r[1]);
        }
    }

    @Test
    void bareCarriageReturnsBecomeLineEnds() {
        for (int chunk = 1; chunk <= 8; chunk++) {
            String[] r = decode("Subject: a\rX: b\r\n\rbody\r.\r\r\n.\r\n", chunk);
            assertEquals("Subject: a\r\nX: b\r\n\r\nbody\r\n..\r\n\r\n", r[0], "chunk " + chunk);
        }
    }

    @Test
    void dotCrWithoutLfIsDataNotTheEnd() {
        // ".<CR>x": the dot was transparency, the CR a bare one (a line end), x the next line.
        String[] r = decode("A: b\r\n\r\n.\rx\r\n.\r\n", 1);
        assertEquals("A: b\r\n\r\n\r\nx\r\n", r[0]);
    }

    @Test
    void measuresTheLongestLineAndStopsAtTheInputLimit() {
        DataDecoder d = new DataDecoder(10, 100);
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        assertFalse(d.feed(ByteBuffer.wrap("0123456789\r\n".getBytes(StandardCharsets.US_ASCII)), b));
        assertFalse(d.lineTooLong(), "10 octets is the limit, not over it");
        assertFalse(d.feed(ByteBuffer.wrap("01234".getBytes(StandardCharsets.US_ASCII)), b));
        assertFalse(d.feed(ByteBuffer.wrap("567890".getBytes(StandardCharsets.US_ASCII)), b));
        assertTrue(d.lineTooLong(), "11 octets over two reads");
        assertFalse(d.inputExceeded());
        assertTrue(d.feed(ByteBuffer.wrap(new byte[100]), b), "over 100 octets without an end");
        assertTrue(d.inputExceeded());
    }

    @Test
    void emptyMessage() {
        String[] r = decode(".\r\n", 1);
        assertTrue(r[0].isEmpty());
    }

    /** Feeds {@code data} in chunks to a decoder with the limits; returns it after the end (or the input). */
    private static DataDecoder limited(String data, int chunk, long maxLine, long maxInput) {
        byte[] in = data.getBytes(StandardCharsets.ISO_8859_1);
        DataDecoder d = new DataDecoder(maxLine, maxInput);
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        for (int off = 0; off < in.length; off += chunk) {
            if (d.feed(ByteBuffer.wrap(in, off, Math.min(chunk, in.length - off)), b)) {
                return d;
            }
        }
        return d;
    }

    @Test
    void theLineLimitCountsEveryOctetOfALineWhateverTheChunksAndNotItsEnd() {
        for (int chunk = 1; chunk <= 16; chunk++) {
            assertFalse(limited("0123456789\r\n.\r\n", chunk, 10, 1000).lineTooLong(), "10 octets: at the limit");
            assertTrue(limited("01234567890\r\n.\r\n", chunk, 10, 1000).lineTooLong(), "11 octets");
            assertFalse(
                    limited("0123456789\n0123456789\r0123456789\r\n.\r\n", chunk, 10, 1000)
                            .lineTooLong(),
                    "a bare LF or CR ends a line too");
            assertTrue(
                    limited("short\r\n" + "x".repeat(11) + "\r\n.\r\n", chunk, 10, 1000)
                            .lineTooLong(),
                    "the longest line counts, not the last");
            assertFalse(
                    limited("..123456789\r\n.\r\n", chunk, 10, 1000).lineTooLong(), "the stuffing dot is not content");
        }
    }

    @Test
    void theInputLimitCountsOctetsReadAndStopsRightAfterIt() {
        DataDecoder atLimit = limited("x".repeat(20), 7, 1000, 20);
        assertFalse(atLimit.inputExceeded(), "20 octets of 20");
        DataDecoder over = limited("x".repeat(21), 7, 1000, 20);
        assertTrue(over.inputExceeded());
        DataDecoder ended = limited("xx\r\n.\r\n" + "y".repeat(100), 3, 1000, 20);
        assertFalse(ended.inputExceeded(), "what follows the end is not data");
    }
}

package dev.poplar.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireMessageBuilderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void dotStuffsAndCountsOctetsBeforeStuffing() {
        WireMessage m = WireMessageBuilder.fromRaw(bytes("Subject: x\r\n\r\n.hidden\r\n..two\r\nplain\r\n"));
        assertEquals("Subject: x\r\n\r\n..hidden\r\n...two\r\nplain\r\n", new String(m.toByteArray(), StandardCharsets.ISO_8859_1));
        // RFC 1939 size: the CRLF message without the stuffed dots.
        assertEquals("Subject: x\r\n\r\n.hidden\r\n..two\r\nplain\r\n".length(), m.octets());
        assertEquals(m.octets() + 2, m.wireLength());
        assertEquals("Subject: x\r\n\r\n".length(), m.headerWireLength());
    }

    @Test
    void bareLineFeedsBecomeCrlfAndALastLineGetsOne() {
        WireMessage m = WireMessageBuilder.fromRaw(bytes("A: 1\nB: 2\n\nbody\nlast"));
        assertEquals("A: 1\r\nB: 2\r\n\r\nbody\r\nlast\r\n", new String(m.toByteArray(), StandardCharsets.ISO_8859_1));
        assertEquals(m.wireLength(), m.octets());
    }

    @Test
    void aLoneCrIsKeptAsData() {
        WireMessage m = WireMessageBuilder.fromRaw(bytes("A: 1\r\n\r\nx\ry\r\n"));
        assertEquals("A: 1\r\n\r\nx\ry\r\n", new String(m.toByteArray(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void withoutAnEmptyLineTheWholeMessageIsHeader() {
        WireMessage m = WireMessageBuilder.fromRaw(bytes("A: 1\r\nB: 2\r\n"));
        assertEquals(m.wireLength(), m.headerWireLength());
    }

    @Test
    void sameResultWhateverTheSplitOfTheInput() {
        byte[] raw = randomMessage(new Random(7), 200_000);
        byte[] expected = WireMessageBuilder.fromRaw(raw).toByteArray();
        for (int split : new int[] {1, 2, 3, 7, 64, 1000, 65_536, 65_537}) {
            WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
            for (int off = 0; off < raw.length; off += split) {
                b.appendRaw(raw, off, Math.min(split, raw.length - off));
            }
            WireMessage m = b.build();
            assertArrayEquals(expected, m.toByteArray(), "split " + split);
            for (int i = 0; i < m.chunkCount() - 1; i++) {
                assertEquals(WireMessage.CHUNK_SIZE, m.chunks().get(i).length, "every chunk but the last is full");
            }
        }
    }

    @Test
    void prefixAddsHeaderLinesToEveryCount() {
        WireMessage m = WireMessageBuilder.fromRaw(bytes("Subject: x\r\n\r\nbody\r\n"));
        WireMessage p = m.withPrefix(bytes("Delivered-To: bob\r\n"));
        assertEquals("Delivered-To: bob\r\nSubject: x\r\n\r\nbody\r\n", new String(p.toByteArray(), StandardCharsets.ISO_8859_1));
        assertEquals(m.octets() + 19, p.octets());
        assertEquals(m.headerWireLength() + 19, p.headerWireLength());
    }

    @Test
    void overflowIsReportedAndBuildRefuses() {
        WireMessageBuilder b = new WireMessageBuilder(10);
        byte[] line = bytes("0123456789");
        b.appendLine(line, 0, line.length);
        assertTrue(b.overflowed());
        assertThrows(IllegalStateException.class, b::build);
    }

    static byte[] randomMessage(Random r, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            int k = r.nextInt(40);
            out[i] = (byte) switch (k) {
                case 0 -> '\n';
                case 1 -> '.';
                case 2 -> '\r';
                default -> 'a' + r.nextInt(26);
            };
        }
        return out;
    }
}

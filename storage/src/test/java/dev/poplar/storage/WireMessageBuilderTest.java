package dev.poplar.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertEquals(
                "Subject: x\r\n\r\n..hidden\r\n...two\r\nplain\r\n",
                new String(m.toByteArray(), StandardCharsets.ISO_8859_1));
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
        assertEquals(
                "Delivered-To: bob\r\nSubject: x\r\n\r\nbody\r\n",
                new String(p.toByteArray(), StandardCharsets.ISO_8859_1));
        assertEquals(m.octets() + 19, p.octets());
        assertEquals(m.headerWireLength() + 19, p.headerWireLength());
    }

    @Test
    void overflowIsReportedAndBuildRefuses() {
        WireMessageBuilder b = new WireMessageBuilder(11);
        byte[] line = bytes("012345678\r\n"); // 11 octets: exactly the limit
        b.appendRaw(line, 0, line.length);
        assertFalse(b.overflowed(), "a message of exactly the limit fits");
        b.appendRaw(bytes("x"), 0, 1);
        assertTrue(b.overflowed());
        assertThrows(IllegalStateException.class, b::build);
    }

    @Test
    void aLineWithoutLineEndHoldsNoLineBuffer() {
        // The outside review's attack: DATA, then a gigabyte with no LF. The builder must not keep
        // the line: past the limit nothing more is held, whatever arrives.
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        WireMessageBuilder b = new WireMessageBuilder(1 << 20);
        byte[] piece = new byte[64 * 1024];
        java.util.Arrays.fill(piece, (byte) 'A');
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1024; i++) { // 64 MiB in one line
            b.appendRaw(piece, 0, piece.length);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(b.overflowed());
        assertEquals(64L << 20, b.octets());
        assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes for a 1 MiB limit");
    }

    @Test
    void aLongLineIsStoredWhole() {
        byte[] raw = bytes("A: " + "x".repeat(300_000) + "\n\n.body");
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        for (int off = 0; off < raw.length; off += 1000) {
            b.appendRaw(raw, off, Math.min(1000, raw.length - off));
        }
        WireMessage m = b.build();
        assertEquals(
                "A: " + "x".repeat(300_000) + "\r\n\r\n..body\r\n",
                new String(m.toByteArray(), StandardCharsets.ISO_8859_1));
        assertEquals(m.wireLength() - 1, m.octets());
        assertEquals(300_003 + 4, m.headerWireLength());
    }

    @Test
    void aCrAtAPieceBoundaryIsDecidedByTheNextPiece() {
        WireMessageBuilder b = new WireMessageBuilder(Long.MAX_VALUE);
        b.appendRaw(bytes("a\r"), 0, 2);
        b.appendRaw(bytes("\nb\r"), 0, 3);
        b.appendRaw(bytes("c\r"), 0, 2);
        assertEquals("a\r\nb\rc\r\n", new String(b.build().toByteArray(), StandardCharsets.ISO_8859_1));
    }

    static byte[] randomMessage(Random r, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            int k = r.nextInt(40);
            out[i] = (byte)
                    switch (k) {
                        case 0 -> '\n';
                        case 1 -> '.';
                        case 2 -> '\r';
                        default -> 'a' + r.nextInt(26);
                    };
        }
        return out;
    }
}

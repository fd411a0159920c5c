package dev.poplar.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generator's reply checks decide whether a benchmark run counts, so they are tested on
 * their own: multi-line bodies cut at every kind of read boundary must give the octets of the
 * unstuffed message, stop exactly at the terminator, and find every line end.
 */
class Pop3ConnectionTest {

    @Test
    void bodyCountsUnstuffedOctetsWhateverTheReadBoundaries() throws IOException {
        Random random = new Random(20261126);
        for (int round = 0; round < 2_000; round++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.writeBytes("+OK hello\r\n".getBytes(StandardCharsets.US_ASCII));
            long octets = 0;
            int lines = random.nextInt(40);
            for (int l = 0; l < lines; l++) {
                byte[] line = randomLine(random);
                octets += line.length + 2;
                if (line.length > 0 && line[0] == '.') {
                    wire.write('.'); // RFC 1939 section 3 byte-stuffing
                }
                wire.writeBytes(line);
                wire.writeBytes(new byte[] {'\r', '\n'});
            }
            wire.writeBytes(".\r\n+OK next\r\n".getBytes(StandardCharsets.US_ASCII));
            int maxRead = 1 + random.nextInt(round % 2 == 0 ? 3 : 300);
            Pop3Connection c = new Pop3Connection(
                    null, new Trickle(wire.toByteArray(), maxRead, random), OutputStream.nullOutputStream());
            assertEquals(octets, c.body(), "round " + round + ", reads of up to " + maxRead);
            assertEquals("+OK next", c.readLine(), "the body must end exactly at the terminator");
        }
    }

    @Test
    void indexOfLfFindsEveryPositionAndRespectsBounds() {
        for (int len = 0; len < 40; len++) {
            for (int at = 0; at < len; at++) {
                byte[] b = new byte[len];
                java.util.Arrays.fill(b, (byte) 0x8a); // high bytes must not look like '\n'
                b[at] = '\n';
                assertEquals(at, Pop3Connection.indexOfLf(b, 0, len));
                assertEquals(-1, Pop3Connection.indexOfLf(b, 0, at));
                assertEquals(at, Pop3Connection.indexOfLf(b, at, len));
                assertEquals(-1, Pop3Connection.indexOfLf(b, at + 1, len));
            }
        }
    }

    @Test
    void aBodyCutOffBeforeItsTerminatorIsAnError() {
        byte[] wire = "+OK hi\r\nabc\r\n.\r".getBytes(StandardCharsets.US_ASCII);
        assertThrows(
                IOException.class,
                () -> new Pop3Connection(null, new Trickle(wire, 2, new Random(1)), OutputStream.nullOutputStream())
                        .body());
    }

    private static byte[] randomLine(Random random) {
        int kind = random.nextInt(10);
        String s = switch (kind) {
            case 0 -> "";
            case 1 -> ".";
            case 2 -> "..";
            case 3 -> ".\r";
            case 4 -> "." + "x".repeat(random.nextInt(100));
            default -> {
                StringBuilder sb = new StringBuilder();
                int n = random.nextInt(kind == 9 ? 1000 : 90);
                for (int i = 0; i < n; i++) {
                    char ch = (char) (32 + random.nextInt(95));
                    sb.append(random.nextInt(50) == 0 ? '\r' : ch); // a bare CR inside a line is data
                }
                yield sb.toString();
            }
        };
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Returns at most {@code maxRead} bytes per read, then end of stream. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private final int maxRead;
        private final Random random;
        private int pos;

        Trickle(byte[] data, int maxRead, Random random) {
            this.data = data;
            this.maxRead = maxRead;
            this.random = random;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(maxRead)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}

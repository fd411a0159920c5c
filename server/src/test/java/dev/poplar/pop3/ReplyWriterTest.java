package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ReplyWriterTest {

    private static String write(Reply... replies) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplyWriter w = new ReplyWriter(out);
        for (Reply r : replies) {
            w.write(r);
        }
        w.flush();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** A reader over arbitrary chunk boundaries, to test TOP cutting across chunks. */
    static ChunkReader chunks(byte[] data, int chunkSize) {
        List<byte[]> parts = new java.util.ArrayList<>();
        for (int off = 0; off < data.length; off += chunkSize) {
            parts.add(Arrays.copyOfRange(data, off, Math.min(data.length, off + chunkSize)));
        }
        return ChunkReader.of(parts);
    }

    @Test
    void statusLinesWithAndWithoutCodes() throws Exception {
        assertEquals("+OK 2 320\r\n", write(new Reply.Ok("2 320")));
        assertEquals("+OK\r\n", write(new Reply.Ok("")));
        assertEquals("-ERR No such message\r\n", write(new Reply.Err("No such message")));
        assertEquals(
                "-ERR [IN-USE] Mailbox is locked\r\n", write(new Reply.Err(ResponseCode.IN_USE, "Mailbox is locked")));
        assertEquals("-ERR [SYS/TEMP] later\r\n", write(new Reply.Err(ResponseCode.SYS_TEMP, "later")));
        assertEquals("-ERR [AUTH] no\r\n", write(new Reply.Err(ResponseCode.AUTH, "no")));
    }

    @Test
    void multiLineIsDotStuffedAndTerminated() throws Exception {
        Reply r = new Reply.MultiLine("2 messages (320 octets)", sink -> {
            sink.line(1, 120);
            sink.line(2, 200);
            sink.line(".hidden");
            sink.line(3, "abc.1");
            sink.line(4, "abc.".getBytes(StandardCharsets.US_ASCII), 42);
        });
        assertEquals(
                "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n..hidden\r\n3 abc.1\r\n4 abc.42\r\n.\r\n", write(r));
    }

    @Test
    void emptyMultiLine() throws Exception {
        assertEquals(
                "+OK 0 messages (0 octets)\r\n.\r\n", write(new Reply.MultiLine("0 messages (0 octets)", sink -> {})));
    }

    @Test
    void messageIsCopiedInWireFormAndTerminated() throws Exception {
        WireMessage m = WireMessageBuilder.fromRaw("A: 1\r\n\r\n.x\r\ny\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int chunk : new int[] {1, 2, 3, 5, 100}) {
            Reply r = new Reply.Message(
                    "13 octets", chunks(m.toByteArray(), chunk), m.headerWireLength(), OptionalInt.empty());
            assertEquals("+OK 13 octets\r\nA: 1\r\n\r\n..x\r\ny\r\n.\r\n", write(r), "chunk " + chunk);
        }
    }

    @Test
    void topSendsHeadersBlankLineAndExactlyNBodyLinesAtAnyChunking() throws Exception {
        byte[] wire = WireMessageBuilder.fromRaw(
                        "S: t\r\nX: y\r\n\r\n1\r\n.2\r\n3\r\n".getBytes(StandardCharsets.US_ASCII))
                .toByteArray();
        long header = "S: t\r\nX: y\r\n\r\n".length();
        String[] expected = {
            "S: t\r\nX: y\r\n\r\n",
            "S: t\r\nX: y\r\n\r\n1\r\n",
            "S: t\r\nX: y\r\n\r\n1\r\n..2\r\n",
            "S: t\r\nX: y\r\n\r\n1\r\n..2\r\n3\r\n",
            "S: t\r\nX: y\r\n\r\n1\r\n..2\r\n3\r\n",
        };
        for (int lines = 0; lines < expected.length; lines++) {
            for (int chunk = 1; chunk <= wire.length; chunk++) {
                Reply r =
                        new Reply.Message("Top of message follows", chunks(wire, chunk), header, OptionalInt.of(lines));
                assertEquals(
                        "+OK Top of message follows\r\n" + expected[lines] + ".\r\n",
                        write(r),
                        "TOP n " + lines + " with chunk " + chunk);
            }
        }
    }

    @Test
    void pipelinedRepliesStayInTheBufferUntilFlush() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplyWriter w = new ReplyWriter(out);
        w.write(new Reply.Ok("one"));
        w.write(new Reply.Ok("two"));
        assertEquals(0, out.size(), "nothing written before flush");
        w.flush();
        assertEquals("+OK one\r\n+OK two\r\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void decimalsAreWrittenWithoutAllocation() {
        byte[] b = new byte[20];
        assertEquals(1, ReplyWriter.decimal(0, b, 0));
        assertEquals("0", new String(b, 0, 1, StandardCharsets.US_ASCII));
        int n = ReplyWriter.decimal(Long.MAX_VALUE, b, 0);
        assertEquals(Long.toString(Long.MAX_VALUE), new String(b, 0, n, StandardCharsets.US_ASCII));
    }

    @Test
    void decimalsMatchLongToStringAtEveryDigitCount() {
        byte[] b = new byte[64];
        java.util.Random random = new java.util.Random(42);
        long p = 1;
        for (int digits = 1; digits <= 19; digits++, p *= 10) { // p = 10^(digits - 1); 9 * 10^18 still fits a long
            for (long v : new long[] {p - 1, p, p + 1, p + random.nextLong(p), p * 9}) {
                int n = ReplyWriter.decimal(v, b, 3);
                assertEquals(Long.toString(v), new String(b, 3, n - 3, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void longListingsAreByteExactAcrossBufferBoundaries() throws Exception {
        int count = 30_000; // about 400 KB: many 64 KiB segments
        StringBuilder expected = new StringBuilder("+OK listing\r\n");
        byte[] prefix = "abc.".getBytes(StandardCharsets.US_ASCII);
        for (int i = 1; i <= count; i++) {
            expected.append(i).append(' ').append("abc.").append(i * 7919L).append("\r\n");
        }
        expected.append(".\r\n");
        String got = write(new Reply.MultiLine("listing", sink -> {
            for (int i = 1; i <= count; i++) {
                sink.line(i, prefix, i * 7919L);
            }
        }));
        assertEquals(expected.toString(), got);
    }

    /** An output stream that records the size of each write and each flush. */
    private static final class Recording extends ByteArrayOutputStream {
        final List<Integer> writes = new java.util.ArrayList<>();
        int flushes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(len);
            super.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    /** Big listings fill and drain the buffer many times: every line whole, in 64 KiB segments. */
    @Test
    void aTenThousandLineListingIsExactAndLeavesInLargeSegments() throws Exception {
        Recording out = new Recording();
        ReplyWriter w = new ReplyWriter(out);
        w.write(new Reply.Ok("hello"));
        byte[] prefix = "mwx6f76a.".getBytes(StandardCharsets.US_ASCII);
        w.write(new Reply.MultiLine("listing", sink -> {
            for (int i = 1; i <= 10_000; i++) {
                sink.line(i, 1_000_000_000L + i);
                sink.line(i, prefix, 4_000_000_000L + i);
                sink.line(i, "x" + i);
            }
        }));
        assertEquals(0, out.flushes, "nothing is flushed before the batch ends");
        w.flush();
        assertEquals(1, out.flushes);
        StringBuilder expected = new StringBuilder("+OK hello\r\n+OK listing\r\n");
        for (int i = 1; i <= 10_000; i++) {
            expected.append(i).append(' ').append(1_000_000_000L + i).append("\r\n");
            expected.append(i).append(" mwx6f76a.").append(4_000_000_000L + i).append("\r\n");
            expected.append(i).append(" x").append(i).append("\r\n");
        }
        expected.append(".\r\n");
        assertEquals(expected.toString(), out.toString(StandardCharsets.US_ASCII));
        for (int i = 0; i < out.writes.size() - 1; i++) {
            assertTrue(out.writes.get(i) > 60_000, "segment " + i + " of " + out.writes);
        }
    }

    /** A message larger than the buffer goes out past it, and its octets are counted. */
    @Test
    void aMessageLargerThanTheBufferIsWrittenWholeAndCounted() throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i % 78 == 76 ? '\r' : i % 78 == 77 ? '\n' : 'a' + i % 26);
        }
        Recording out = new Recording();
        ReplyWriter w = new ReplyWriter(out);
        long sent =
                w.write(new Reply.Message("300000 octets", chunks(body, 100_000), 0, java.util.OptionalInt.empty()));
        w.flush();
        assertEquals(body.length, sent);
        String all = out.toString(StandardCharsets.ISO_8859_1);
        assertEquals("+OK 300000 octets\r\n" + new String(body, StandardCharsets.ISO_8859_1) + ".\r\n", all);
    }
}

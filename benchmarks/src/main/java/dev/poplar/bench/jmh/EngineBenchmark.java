package dev.poplar.bench.jmh;

import dev.poplar.pop3.ParseResult;
import dev.poplar.pop3.Pop3Parser;
import dev.poplar.pop3.Reply;
import dev.poplar.pop3.ReplyWriter;
import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.MessageListing;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol engine without the network: the parser on a pipelined batch, and the reply
 * writer producing LIST/UIDL listings and RETR of stored wire-form messages into a sink.
 * Run with -prof gc for bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class EngineBenchmark {
    private static final OutputStream SINK = OutputStream.nullOutputStream();

    @Param({"100", "10000"})
    int messages;

    @Param({"4096", "40960", "1048576"})
    int size;

    private byte[] pipelined;
    private MessageListing listing;
    private WireMessage message;

    @Setup
    public void setup() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            sb.append("RETR ").append(i + 1).append("\r\nLIST ").append(i + 1).append("\r\nNOOP\r\n");
        }
        pipelined = sb.toString().getBytes(StandardCharsets.US_ASCII);
        long[] uids = new long[messages];
        long[] octets = new long[messages];
        for (int i = 0; i < messages; i++) {
            uids[i] = i + 1;
            octets[i] = 4000 + i;
        }
        listing = new MessageListing(1795674815506L, uids, octets, octets.clone(), new long[messages], Map.of());
        StringBuilder m = new StringBuilder("Subject: bench\r\n\r\n");
        while (m.length() < size) {
            m.append(m.length() % 13 == 0 ? "." : "").append("x".repeat(74)).append("\r\n");
        }
        message = WireMessageBuilder.fromRaw(m.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** 300 pipelined commands, parsed: per op. */
    @Benchmark
    public void parsePipelinedBatch(Blackhole bh) {
        Pop3Parser parser = new Pop3Parser();
        ByteBuffer in = ByteBuffer.wrap(pipelined);
        for (ParseResult r; (r = parser.next(in)) != null; ) {
            bh.consume(r);
        }
    }

    /** STAT's reply as the server builds it: the counts are kept, so this is the status line's cost. */
    @Benchmark
    public long stat() throws Exception {
        Counting out = new Counting();
        ReplyWriter w = new ReplyWriter(out);
        long n = w.write(new Reply.Ok(listing.size() + " " + listing.totalOctets()));
        w.flush();
        return n + out.bytes; // what was written, so the JIT cannot drop the work
    }

    /** A sink that counts what it is given. */
    private static final class Counting extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    @Benchmark
    public long listAll() throws Exception {
        ReplyWriter w = new ReplyWriter(SINK);
        MessageListing l = listing;
        long n = w.write(new Reply.MultiLine(l.size() + " messages", sink -> {
            for (int i = 0; i < l.size(); i++) {
                sink.line(i + 1, l.octets(i));
            }
        }));
        w.flush();
        return n;
    }

    /** The previous way, each UIDL built as a String (kept for the A/B in docs/benchmarks.md). */
    @Benchmark
    public long uidlAllStrings() throws Exception {
        ReplyWriter w = new ReplyWriter(SINK);
        MessageListing l = listing;
        long n = w.write(new Reply.MultiLine("Unique-ID listing follows", sink -> {
            for (int i = 0; i < l.size(); i++) {
                sink.line(i + 1, l.uidl(i));
            }
        }));
        w.flush();
        return n;
    }

    @Benchmark
    public long uidlAll() throws Exception {
        ReplyWriter w = new ReplyWriter(SINK);
        MessageListing l = listing;
        byte[] prefix = l.uidlPrefix();
        long n = w.write(new Reply.MultiLine("Unique-ID listing follows", sink -> {
            for (int i = 0; i < l.size(); i++) {
                sink.line(i + 1, prefix, l.uid(i));
            }
        }));
        w.flush();
        return n;
    }

    /** RETR of a stored message from memory: what the writer costs beyond the store read. */
    @Benchmark
    public long retrFromMemory() throws Exception {
        ReplyWriter w = new ReplyWriter(SINK);
        ChunkReader reader = ChunkReader.of(message.chunks());
        long n = w.write(new Reply.Message("octets", reader, message.headerWireLength(), OptionalInt.empty()));
        w.flush();
        return n;
    }
}

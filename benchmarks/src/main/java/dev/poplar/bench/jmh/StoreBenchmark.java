package dev.poplar.bench.jmh;

import dev.poplar.storage.ChunkReader;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.LockPolicy;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The RocksDB store in a temp directory: RETR reads of stored messages, the login snapshot of
 * a mailbox, and one durable (WAL-synced) delivery.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class StoreBenchmark {
    private static final PasswordCredentials CREDS =
            new PasswordCredentials(1, new byte[16], new byte[32], new byte[32]);

    @Param({"4096", "40960", "1048576"})
    int size;

    @Param({"100", "10000"})
    int mailboxMessages;

    /** poplar.store.blob-files: bodies in blob files (CRC32C-checked) or in table blocks (XXH3). */
    @Param({"false", "true"})
    boolean blobFiles;

    private Path dir;
    private MailStore store;
    private Maildrop drop;
    private WireMessage delivery;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("poplar-jmh");
        // Opened as the server opens it: the configured block cache, blob files as the parameter says.
        store = dev.poplar.server.StoreOpener.open(
                dir,
                new dev.poplar.config.PoplarConfig.Store(
                        dev.poplar.config.PoplarConfig.defaults().store().blockCache(), blobFiles));
        store.createAccount("reader", CREDS);
        store.createAccount("big", CREDS);
        store.createAccount("sink", CREDS);
        StringBuilder m = new StringBuilder("Subject: bench\r\n\r\n");
        while (m.length() < size) {
            m.append("x".repeat(74)).append("\r\n");
        }
        WireMessage message = WireMessageBuilder.fromRaw(m.toString().getBytes(StandardCharsets.US_ASCII));
        store.deliver(List.of(Delivery.of("reader", "", message)));
        WireMessage small = WireMessageBuilder.fromRaw("Subject: s\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        List<Delivery> batch = new ArrayList<>();
        for (int i = 0; i < mailboxMessages; i++) {
            batch.add(Delivery.of("big", "", small));
            if (batch.size() == 500) {
                store.deliver(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            store.deliver(batch);
        }
        // A checkpoint flushes the memtable: reads then come from table or blob files, as in a
        // server that has been up for a while, not from memory.
        Path checkpoint = dir.resolveSibling(dir.getFileName() + "-checkpoint");
        store.checkpoint(checkpoint);
        delete(checkpoint);
        drop = store.openMaildrop("reader", LockPolicy.SHARED);
        delivery = WireMessageBuilder.fromRaw(
                ("Subject: d\r\n\r\n" + "y".repeat(4000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        drop.close();
        store.close();
        delete(dir);
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** All chunks of one stored message, as RETR reads them. */
    @Benchmark
    public long retrRead() throws Exception {
        long n = 0;
        try (ChunkReader r = drop.read(0)) {
            for (int length; (length = r.next()) >= 0; ) {
                n += length;
            }
        }
        return n;
    }

    /** PASS's work after the password: lease and listing of the mailbox. */
    @Benchmark
    public int loginSnapshot() throws Exception {
        try (Maildrop d = store.openMaildrop("big", LockPolicy.SHARED)) {
            return d.listing().size();
        }
    }

    /** One durable delivery (a WAL sync per operation: single-threaded, so no group commit). */
    @Benchmark
    public Object durableDelivery() throws Exception {
        return store.deliver(List.of(Delivery.of("sink", "", delivery)));
    }
}

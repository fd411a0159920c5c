package dev.poplar.migrate;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.storage.WireMessageBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves mailboxes from another server's files into Poplar (DESIGN invariant 12): every message
 * byte for byte, in the old POP3 order, with the UIDL and received time it had there; a rerun
 * copies only what is missing (UIDLs already in the mailbox are skipped), and nothing at the
 * source is ever changed. Users run in parallel; each user's messages go in batches of one synced
 * write. A live progress line goes to {@code progress}; the report lists every skipped item.
 */
public final class Migrator {
    /** One synced write: up to this many messages or this many bytes. */
    private static final int BATCH_MESSAGES = 100;

    private static final long BATCH_BYTES = 4L << 20;

    /** Where users' mail comes from: one listing per user, opened when that user's turn comes. */
    public interface Source {
        SourceListing list(String user) throws IOException;
    }

    private final AdminOperations admin;
    private final long maxMessageSize;
    private final int threads;
    private final PrintStream progress;

    public Migrator(AdminOperations admin, long maxMessageSize, int threads, PrintStream progress) {
        this.admin = admin;
        this.maxMessageSize = maxMessageSize;
        this.threads = Math.max(1, threads);
        this.progress = progress;
    }

    /** Per user: what was done and what could not be. */
    public record UserReport(String user, int migrated, int alreadyThere, List<String> skipped) {}

    public record Report(List<UserReport> users, long messages, long bytes, double seconds) {
        public int skipped() {
            return users.stream().mapToInt(u -> u.skipped().size()).sum();
        }
    }

    public Report migrate(List<String> users, Source source) throws AdminException, InterruptedException {
        long started = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicInteger usersDone = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().factory());
        ticker.scheduleAtFixedRate(
                () -> progress.print(
                        progressLine(usersDone.get(), users.size(), done.get(), total.get(), bytes.get(), started)),
                1,
                1,
                TimeUnit.SECONDS);
        List<UserReport> reports = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(
                threads, Thread.ofPlatform().name("poplar-migrate-", 0).factory())) {
            List<Future<UserReport>> futures = new ArrayList<>();
            for (String user : users) {
                futures.add(pool.submit(() -> {
                    UserReport r;
                    try (SourceListing listing = source.list(user)) {
                        total.addAndGet(listing.messages().size());
                        r = migrateUser(user, listing, done, bytes);
                    } catch (IOException e) {
                        r = new UserReport(
                                user,
                                0,
                                0,
                                List.of("the source cannot be read: " + dev.poplar.io.IoErrors.describe(e)
                                        + "; rerun to resume"));
                    }
                    usersDone.incrementAndGet();
                    return r;
                }));
            }
            for (Future<UserReport> f : futures) {
                reports.add(f.get());
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AdminException a) {
                throw a;
            }
            throw new AdminException(AdminException.Kind.FAILED, "migration failed: " + e.getCause());
        } finally {
            ticker.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        progress.print(
                progressLine(usersDone.get(), users.size(), done.get(), total.get(), bytes.get(), started) + "\n");
        return new Report(reports, done.get(), bytes.get(), seconds);
    }

    private UserReport migrateUser(String user, SourceListing listing, AtomicLong done, AtomicLong bytes)
            throws AdminException {
        List<String> skipped = new ArrayList<>(listing.problems());
        Set<String> present = new HashSet<>();
        try {
            admin.messages(user, false).forEach(m -> present.add(m.uidl()));
        } catch (AdminException e) {
            if (e.kind() == AdminException.Kind.NOT_FOUND) {
                skipped.add(
                        "no such user in Poplar: import the users first (user import --hashed, or migrate --passwd-file)");
                done.addAndGet(listing.messages().size());
                return new UserReport(user, 0, 0, skipped);
            }
            throw e;
        }
        int migrated = 0;
        int already = 0;
        List<AdminOperations.MigratedMessage> batch = new ArrayList<>();
        long batchBytes = 0;
        for (SourceMessage m : listing.messages()) {
            if (present.contains(m.uidl())) {
                already++;
                done.incrementAndGet();
                continue;
            }
            SourceMessage.Fetched fetched;
            try {
                fetched = m.fetch();
            } catch (SourceMessage.Unusable e) {
                skipped.add(m.where() + ": " + e.getMessage());
                done.incrementAndGet();
                continue;
            } catch (IOException e) {
                // Nothing partial is stored: the message is left for a rerun.
                skipped.add(m.where() + ": " + dev.poplar.io.IoErrors.describe(e) + "; rerun to resume");
                done.incrementAndGet();
                continue;
            }
            byte[] raw = fetched.raw();
            WireMessageBuilder b = new WireMessageBuilder(maxMessageSize);
            b.appendRaw(raw, 0, raw.length);
            if (b.overflowed() || raw.length == 0) {
                skipped.add(m.where() + ": "
                        + (raw.length == 0
                                ? "empty"
                                : "over poplar.lmtp.max-message-size (" + maxMessageSize + " octets)")
                        + "; not migrated");
                done.incrementAndGet();
                continue;
            }
            batch.add(new AdminOperations.MigratedMessage(m.uidl(), fetched.receivedMillis(), raw));
            batchBytes += raw.length;
            if (batch.size() >= BATCH_MESSAGES || batchBytes >= BATCH_BYTES) {
                AdminOperations.MigrationBatch r = admin.migrate(user, batch);
                migrated += r.stored();
                already += r.alreadyThere();
                done.addAndGet(batch.size());
                bytes.addAndGet(batchBytes);
                batch.clear();
                batchBytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            AdminOperations.MigrationBatch r = admin.migrate(user, batch);
            migrated += r.stored();
            already += r.alreadyThere();
            done.addAndGet(batch.size());
            bytes.addAndGet(batchBytes);
        }
        return new UserReport(user, migrated, already, skipped);
    }

    private static String progressLine(int usersDone, int users, long done, long total, long bytes, long startedNanos) {
        double s = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
        double rate = done / s;
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        return String.format(
                "\rmigrate: users %d/%d, messages %,d/%,d, %.1f MB, %,.0f msg/s, ETA %d s   ",
                usersDone, users, done, total, bytes / 1e6, rate, eta);
    }

    /** A difference between the source and Poplar, for --verify. */
    public record Difference(String user, String what) {}

    /**
     * Compares, per user, the source's UIDLs, order, sizes and SHA-256 of the bytes (where Poplar
     * could read them) with what Poplar holds. Messages delivered to Poplar since are allowed after
     * the migrated ones.
     */
    public List<Difference> verify(List<String> users, Source source) throws AdminException {
        List<Difference> out = new ArrayList<>();
        for (String user : users) {
            List<AdminOperations.MessageSummary> target;
            try {
                target = admin.messages(user, true);
            } catch (AdminException ex) {
                out.add(new Difference(user, ex.getMessage()));
                continue;
            }
            Map<String, Integer> position = new java.util.HashMap<>();
            for (int i = 0; i < target.size(); i++) {
                position.put(target.get(i).uidl(), i);
            }
            try (SourceListing l = source.list(user)) {
                int previous = -1;
                for (SourceMessage m : l.messages()) {
                    Integer at = position.get(m.uidl());
                    if (at == null) {
                        out.add(new Difference(user, "UIDL " + m.uidl() + " (" + m.where() + ") is missing in Poplar"));
                        continue;
                    }
                    if (at < previous) {
                        out.add(new Difference(user, "UIDL " + m.uidl() + " is out of the source's order"));
                    }
                    previous = at;
                    dev.poplar.storage.WireMessage source1 =
                            WireMessageBuilder.fromRaw(m.fetch().raw());
                    AdminOperations.MessageSummary t = target.get(at);
                    if (t.octets() != source1.octets()) {
                        out.add(new Difference(
                                user,
                                "UIDL " + m.uidl() + ": " + t.octets() + " octets in Poplar, " + source1.octets()
                                        + " at the source"));
                    } else if (t.sha256() != null && !t.sha256().equals(sha256(source1.toByteArray()))) {
                        out.add(new Difference(user, "UIDL " + m.uidl() + ": the bytes differ (SHA-256)"));
                    }
                }
            } catch (IOException ex) {
                out.add(new Difference(user, "source unreadable: " + dev.poplar.io.IoErrors.describe(ex)));
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

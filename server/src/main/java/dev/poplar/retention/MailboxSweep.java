package dev.poplar.retention;

import dev.poplar.config.PoplarConfig;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.ExpungeCriteria;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.MailboxStats;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The background sweep over every mailbox, one page of names at a time at a bounded rate
 * (poplar.retention.sweep-rate), so it costs the store a few reads per mailbox and never crowds
 * the sessions. For each mailbox it expunges the messages received before its retention
 * (Dovecot's autoexpunge, counted from delivery as RFC 2449 section 6.7 allows) and counts how
 * full it is for the quota gauges. A maildrop held by a session is left alone (the removal takes
 * the maildrop's exclusive lease): its messages go on a later sweep, after QUIT.
 */
public final class MailboxSweep implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.retention");
    private static final int PAGE = 500;

    /** What one sweep saw and did. */
    public record Result(
            long mailboxes,
            long expungedMessages,
            long expungedOctets,
            long inUse,
            long nearlyFull,
            long full,
            long tookMillis) {}

    private final MailStore store;
    private final AccountLimits defaults;
    private final PoplarConfig.Retention settings;
    private final double warningRatio;
    private final SweepMeters meters;
    private final Clock clock;
    private volatile Thread loop;

    public MailboxSweep(MailStore store, PoplarConfig config, SweepMeters meters, Clock clock) {
        this.store = store;
        this.defaults = config.limits();
        this.settings = config.retention();
        this.warningRatio = config.quota().warningRatio();
        this.meters = meters;
        this.clock = clock;
    }

    /** Sweeps every poplar.retention.sweep-interval on a virtual thread, the first one interval after start. */
    public void start() {
        loop = Thread.ofVirtual().name("poplar-sweep").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(settings.sweepInterval());
                    sweep();
                } catch (InterruptedException e) {
                    return;
                } catch (StoreException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "retention sweep stopped early: " + e.getMessage());
                }
            }
        });
    }

    /** One full pass over all mailboxes, now; logged and counted. */
    public Result sweep() throws StoreException, InterruptedException {
        long started = clock.millis();
        long mailboxes = 0;
        long messages = 0;
        long octets = 0;
        long inUse = 0;
        long nearlyFull = 0;
        long full = 0;
        String after = null;
        List<MailboxStats> page;
        do {
            page = store.mailboxes("", after, PAGE);
            for (MailboxStats raw : page) {
                MailboxStats s = raw.resolved(defaults);
                switch (s.fill(warningRatio)) {
                    case FULL -> full++;
                    case NEARLY_FULL -> nearlyFull++;
                    case ROOM -> {}
                }
                long retention = s.limits().retentionMillis();
                if (retention > 0 && s.messages() > 0) {
                    Optional<ExpungeCriteria.Result> removed = expire(s.name(), clock.millis() - retention);
                    if (removed == null) {
                        continue; // deleted meanwhile
                    }
                    if (removed.isEmpty()) {
                        inUse++;
                        meters.skippedInUse();
                    } else if (removed.get().messages() > 0) {
                        messages += removed.get().messages();
                        octets += removed.get().octets();
                        meters.expunged(removed.get().messages(), removed.get().octets());
                    }
                }
                mailboxes++;
                pace(started, mailboxes);
            }
            after = page.isEmpty() ? null : page.getLast().name();
        } while (page.size() == PAGE);
        long end = clock.millis();
        Result r = new Result(mailboxes, messages, octets, inUse, nearlyFull, full, end - started);
        meters.finished(r, end);
        LOG.log(
                System.Logger.Level.INFO,
                "retention sweep: " + r.mailboxes() + " mailboxes in " + r.tookMillis() + " ms, expunged "
                        + r.expungedMessages() + " messages (" + r.expungedOctets() + " octets), " + r.inUse()
                        + " in use left for the next sweep; quota: " + r.nearlyFull() + " nearly full, " + r.full()
                        + " full");
        return r;
    }

    /** Removes what was received before {@code cutoffMillis}; empty when in use, null when the user is gone. */
    private Optional<ExpungeCriteria.Result> expire(String name, long cutoffMillis) throws StoreException {
        try {
            return store.expungeUnlessInUse(
                    name,
                    new ExpungeCriteria(
                            false,
                            OptionalLong.empty(),
                            Optional.of(Instant.ofEpochMilli(cutoffMillis)),
                            OptionalLong.empty()));
        } catch (NoSuchAccountException e) {
            return null;
        }
    }

    /** Sleeps so that no more than sweep-rate mailboxes are visited per second. */
    private void pace(long startedMillis, long visited) throws InterruptedException {
        long due = startedMillis + visited * 1000 / settings.sweepRate();
        long wait = due - clock.millis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    @Override
    public void close() {
        Thread t = loop;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.poplar.cli;

/**
 * A bulk import's progress on standard error: users done, rate and time left, rewritten in place
 * on a terminal, else one line every ten seconds (logs of a non-interactive run stay short).
 */
final class ImportProgress {
    private final long total;
    private final long started = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private long done;
    private long lastPrint = started;

    /** {@code total}: users in the file, or -1 when unknown (standard input). */
    ImportProgress(long total) {
        this.total = total;
    }

    void done(long users) {
        done += users;
        long now = System.nanoTime();
        if (now - lastPrint >= (terminal ? 1_000_000_000L : 10_000_000_000L)) {
            lastPrint = now;
            print(false);
        }
    }

    void finish() {
        if (terminal && lastPrint != started) {
            print(true);
        }
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void print(boolean last) {
        double rate = done / Math.max(seconds(), 1e-3);
        StringBuilder s = new StringBuilder("users ").append(done);
        if (total >= 0) {
            s.append('/').append(total).append(String.format(" (%.1f%%)", 100.0 * done / Math.max(total, 1)));
        }
        s.append(String.format(", %.0f/s", rate));
        if (total >= 0 && rate > 0) {
            long left = (long) ((total - done) / rate);
            s.append(String.format(", %d:%02d left", left / 60, left % 60));
        }
        System.err.print(terminal ? "\r" + s + (last ? "\n" : "") : s + "\n");
        System.err.flush();
    }
}

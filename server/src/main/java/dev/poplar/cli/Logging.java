package dev.poplar.cli;

import java.util.logging.LogManager;

/**
 * One line per log event: time, level, logger, message. Installs {@link DeferredResetLogManager}
 * so that the lines written during shutdown (by our shutdown hook) are not lost: the JDK's own
 * hook would otherwise close the handlers concurrently.
 */
final class Logging {
    private Logging() {}

    static void configure() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n");
        }
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DeferredResetLogManager.class.getName());
        }
    }

    /** Switches every root handler to one JSON object per line (poplar.log.format: json). */
    static void useJson() {
        for (java.util.logging.Handler h :
                java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setFormatter(new dev.poplar.log.JsonLogFormatter());
        }
    }

    /** Flushes and closes the log handlers; call last in the shutdown hook. */
    static void shutdown() {
        if (LogManager.getLogManager() instanceof DeferredResetLogManager m) {
            m.resetNow();
        }
    }

    /** A LogManager whose reset() (run by the JDK's shutdown hook) waits for {@link #resetNow()}. */
    public static final class DeferredResetLogManager extends LogManager {
        @Override
        public void reset() {
            // Deferred: Poplar's shutdown hook still logs; it calls resetNow() when done.
        }

        void resetNow() {
            super.reset();
        }
    }
}

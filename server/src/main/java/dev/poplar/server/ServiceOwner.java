package dev.poplar.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Root in a data directory that belongs to the service's user. Whatever root's process writes
 * there (RocksDB's log, tables and options files, the lock file) is root's with mode 0600, and the
 * service, running as {@code poplar}, can no longer open its own store: a packaged install is one
 * {@code sudo poplar user add} away from a service that will not start. So root may use such a
 * directory only through the running server's admin API, and is told how otherwise.
 */
final class ServiceOwner {
    private ServiceOwner() {}

    /** The directory owner's name when this process runs as root and the directory is someone else's. */
    static Optional<String> whenRoot(Path dir) throws IOException {
        if (!isRoot()) {
            return Optional.empty();
        }
        String owner = Files.getOwner(dir).getName();
        return owner.equals("root") ? Optional.empty() : Optional.of(owner);
    }

    private static boolean isRoot() {
        try {
            // /proc/self belongs to the process's effective user (Linux); elsewhere, assume not root.
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The refusal, worded as the fix. */
    static final class RootRefusedException extends IOException {
        RootRefusedException(Path dir, String owner) {
            super(dir.toAbsolutePath() + " belongs to " + owner + ", and files root writes there would lock "
                    + owner + " out of its own store; run the command as that user (sudo -u " + owner
                    + " poplar ...), or start the server (systemctl start poplar) and commands go through it");
        }
    }
}

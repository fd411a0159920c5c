package dev.poplar.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data directory's own files: {@code poplar.lock}, held by whichever process owns the store
 * (the server, or an offline CLI command) and naming the server's HTTP address for the CLI; and
 * {@code admin-token}, created once with mode 0600.
 *
 * <p>The directory holds mail bodies and credential records, so whoever claims it first makes it
 * private whatever the umask (DESIGN invariant 8): the directory 0700 (0750 with
 * {@code poplar.data-dir-mode: group}) and every file in it 0600 (0640). A directory others can
 * enter is tightened and the change logged. New store files follow the process umask, which the
 * launcher and the systemd unit set (077 / 0027); the directory's mode keeps others out
 * whatever they are.
 */
public final class DataDirectory {
    public static final String LOCK_FILE = "poplar.lock";
    public static final String TOKEN_FILE = "admin-token";
    /** The key unknown users' SCRAM decoy salts are derived from (stable across restarts). */
    public static final String DECOY_KEY_FILE = "auth-decoy.key";

    private final Path dir;
    private final Access access;

    /** Who besides the server's user may read the data directory. */
    public enum Access {
        /** Directory 0700, files 0600: the server's user only (the default). */
        OWNER("rwx------", "rw-------"),
        /** Directory 0750, files 0640: also the group (a backup agent in the poplar group). */
        GROUP("rwxr-x---", "rw-r-----");

        final Set<PosixFilePermission> directory;
        final Set<PosixFilePermission> file;

        Access(String directory, String file) {
            this.directory = PosixFilePermissions.fromString(directory);
            this.file = PosixFilePermissions.fromString(file);
        }
    }

    public DataDirectory(Path dir) {
        this(dir, Access.OWNER);
    }

    public DataDirectory(Path dir, Access access) {
        this.dir = dir;
        this.access = access;
    }

    /** The data directory as configured (poplar.data-dir, poplar.data-dir-mode). */
    public static DataDirectory of(dev.poplar.config.PoplarConfig config) {
        return new DataDirectory(config.dataDir(), config.dataDirGroupReadable() ? Access.GROUP : Access.OWNER);
    }

    public Path path() {
        return dir;
    }

    public Path store() {
        return dir.resolve("store");
    }

    /** An exclusive claim on the data directory; close releases it. */
    public static final class Claim implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;
        private final List<String> tightened;

        private Claim(FileChannel channel, FileLock lock, List<String> tightened) {
            this.channel = channel;
            this.lock = lock;
            this.tightened = List.copyOf(tightened);
        }

        /** Paths whose permissions were looser than the data directory's mode, as found and fixed by the claim. */
        public List<String> tightened() {
            return tightened;
        }

        /** What the holder of the directory is doing, for a CLI command that finds it held. */
        public enum State {
            /** A server opening the store and starting its listeners (the admin API is not up yet). */
            STARTING,
            /** A server taking requests (its admin API at the recorded address, if enabled). */
            SERVING,
            /** A CLI command working on the store directly. */
            CLI
        }

        /** Records who holds the directory, what it is doing, and where its HTTP API listens (empty: none). */
        public void describe(State state, String httpUrl) throws IOException {
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
            p.setProperty("state", state.name().toLowerCase(java.util.Locale.ROOT));
            p.setProperty("http", httpUrl);
            StringBuilder sb = new StringBuilder();
            p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the OS drops the lock with the process anyway
            }
        }
    }

    /** Claims the directory, or returns empty when another process holds it. */
    public Optional<Claim> tryClaim() throws IOException {
        // Files the store creates from now on are private whatever umask the process came with.
        Umask.set(access == Access.OWNER ? 0077 : 0027);
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(access.directory));
        }
        Optional<String> service = ServiceOwner.whenRoot(dir);
        if (service.isPresent()) {
            if (heldByAnotherProcess()) {
                return Optional.empty(); // the holder's admin API does the work, as its user
            }
            throw new ServiceOwner.RootRefusedException(dir, service.get());
        }
        List<String> tightened = secure();
        FileChannel channel = FileChannel.open(
                dir.resolve(LOCK_FILE),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(access.file));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        channel.truncate(0); // the previous holder's record is stale; an empty one reads as "starting"
        return Optional.of(new Claim(channel, lock, tightened));
    }

    /** Whether a live process holds the lock; looks without creating the lock file. */
    private boolean heldByAnotherProcess() throws IOException {
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock == null;
        }
    }

    /**
     * Takes group (with OWNER) and other permissions away from the directory and everything in it;
     * returns what it changed. Run at every claim, so a store created under a loose umask, or
     * restored by hand, is private again at the next start.
     */
    public List<String> secure() throws IOException {
        List<String> changed = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> allowed = Files.isDirectory(p) ? access.directory : access.file;
                Set<PosixFilePermission> now = Files.getPosixFilePermissions(p);
                if (!allowed.containsAll(now)) {
                    Set<PosixFilePermission> tightened = EnumSet.noneOf(PosixFilePermission.class);
                    tightened.addAll(now);
                    tightened.retainAll(allowed);
                    Files.setPosixFilePermissions(p, tightened);
                    changed.add(p + " " + PosixFilePermissions.toString(now) + " -> "
                            + PosixFilePermissions.toString(tightened));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        if (!changed.isEmpty()) {
            System.getLogger("dev.poplar.server")
                    .log(
                            System.Logger.Level.WARNING,
                            "data directory " + dir.toAbsolutePath() + " was readable by others: tightened "
                                    + changed.size() + " paths (first: " + changed.getFirst() + ")");
        }
        return changed;
    }

    /** What the holder wrote into the lock file: its pid and HTTP URL. */
    public Properties holder() throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve(LOCK_FILE), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** The admin token, created (mode 0600) when missing. */
    public String adminToken() throws IOException {
        return secret(TOKEN_FILE);
    }

    /** 32 random bytes kept in {@code name} (mode 0600), created once. */
    public byte[] secretKey(String name) throws IOException {
        return Base64.getUrlDecoder().decode(secret(name));
    }

    /** A random secret in a file of its own, written atomically with mode 0600 when missing. */
    private String secret(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path tmp = Files.createTempFile(
                    dir,
                    name,
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, secret + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** Reads the admin token without creating it. */
    public Optional<String> existingAdminToken() throws IOException {
        Path file = dir.resolve(TOKEN_FILE);
        return Files.exists(file)
                ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim())
                : Optional.empty();
    }
}

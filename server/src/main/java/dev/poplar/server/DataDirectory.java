package dev.poplar.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The data directory's own files: {@code poplar.lock}, held by whichever process owns the store
 * (the server, or an offline CLI command) and naming the server's HTTP address for the CLI; and
 * {@code admin-token}, created once with mode 0600.
 */
public final class DataDirectory {
    public static final String LOCK_FILE = "poplar.lock";
    public static final String TOKEN_FILE = "admin-token";

    private final Path dir;

    public DataDirectory(Path dir) {
        this.dir = dir;
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

        private Claim(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        /** Records who holds the directory and where its HTTP API listens (empty: none). */
        public void describe(String httpUrl) throws IOException {
            Properties p = new Properties();
            p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
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
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
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
        return Optional.of(new Claim(channel, lock));
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
        Path file = dir.resolve(TOKEN_FILE);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path tmp = Files.createTempFile(dir, TOKEN_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, token + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** Reads the admin token without creating it. */
    public Optional<String> existingAdminToken() throws IOException {
        Path file = dir.resolve(TOKEN_FILE);
        return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()) : Optional.empty();
    }
}

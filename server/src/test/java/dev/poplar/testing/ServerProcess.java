package dev.poplar.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `poplar serve` in its own JVM, so a test can SIGKILL it (a crash, not a shutdown) and start it
 * again on the same data directory.
 */
public final class ServerProcess implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> env;
    private final int pop3Port;
    private Process process;

    private ServerProcess(Path dataDir, Map<String, String> env, int pop3Port) {
        this.dataDir = dataDir;
        this.env = env;
        this.pop3Port = pop3Port;
    }

    /** Starts a server on {@code dataDir} with the test defaults and {@code env}; returns once POP3 answers. */
    public static ServerProcess start(Path dataDir, Map<String, String> env) throws Exception {
        int pop3 = Integer.parseInt(env.getOrDefault("POPLAR_POP3_PORT", "0"));
        if (pop3 == 0) {
            throw new IllegalArgumentException("give POPLAR_POP3_PORT: the test must know where to reach it");
        }
        ServerProcess s = new ServerProcess(dataDir, Map.copyOf(env), pop3);
        s.start();
        return s;
    }

    public void start() throws Exception {
        Files.createDirectories(dataDir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.poplar.cli.PoplarCli",
                "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()));
        pb.environment().put("POPLAR_DATA_DIR", dataDir.toString());
        pb.environment().put("POPLAR_AUTH_PBKDF2_ITERATIONS", "1000");
        pb.environment().put("POPLAR_AUTH_FAILURE_DELAY", "0");
        pb.environment().put("POPLAR_AUTH_BAN_AFTER", "0");
        pb.environment().put("POPLAR_AUTH_MIN_PASSWORD_LENGTH", "1");
        pb.environment().put("POPLAR_LMTP_HOSTNAME", "poplar.test");
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", pop3Port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("poplar serve did not start: " + log());
                }
                Thread.sleep(50);
            }
        }
    }

    /** SIGKILL: no shutdown hook, no lease revoked, nothing flushed that was not already durable. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public String log() throws IOException {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}

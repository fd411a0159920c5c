package dev.poplar.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real one-member etcd (Debian's etcd-server) on loopback ports, with its data in a temp directory. */
public final class Etcd implements AutoCloseable {
    private final Path dir;
    private final Path etcd;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private Etcd(Path dir, Path etcd, int clientPort, int peerPort) {
        this.dir = dir;
        this.etcd = etcd;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Configured on free ports; started when {@code start} is true. */
    public static Etcd create(Path dir, boolean start) throws Exception {
        Etcd e = new Etcd(dir, Tools.require("etcd"), TestServer.freePort(), TestServer.freePort());
        Files.createDirectories(dir);
        if (start) {
            e.start();
        }
        return e;
    }

    public void start() throws Exception {
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder(
                        etcd.toString(),
                        "--name",
                        "test",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--listen-client-urls",
                        url().toString(),
                        "--advertise-client-urls",
                        url().toString(),
                        "--listen-peer-urls",
                        peer,
                        "--initial-advertise-peer-urls",
                        peer,
                        "--initial-cluster",
                        "test=" + peer)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", clientPort)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd did not start: " + Files.readString(dir.resolve("etcd.log")));
                }
                Thread.onSpinWait();
            }
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    public List<URI> urls() {
        return List.of(url());
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }
}

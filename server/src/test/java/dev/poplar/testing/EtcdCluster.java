package dev.poplar.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A real etcd cluster of several members (Debian's etcd-server) on loopback, each stoppable. */
public final class EtcdCluster implements AutoCloseable {
    private final Path dir;
    private final Path etcd;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] members;

    private EtcdCluster(Path dir, Path etcd, int size) {
        this.dir = dir;
        this.etcd = etcd;
        this.clientPorts = new int[size];
        this.peerPorts = new int[size];
        this.members = new Process[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = TestServer.freePort();
            peerPorts[i] = TestServer.freePort();
        }
    }

    /** Starts {@code size} members together and returns once each answers. */
    public static EtcdCluster start(Path dir, int size) throws Exception {
        EtcdCluster c = new EtcdCluster(dir, Tools.require("etcd"), size);
        Files.createDirectories(dir);
        for (int i = 0; i < size; i++) {
            c.launch(i, "new");
        }
        for (int i = 0; i < size; i++) {
            c.awaitUp(i);
        }
        return c;
    }

    private String initialCluster() {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < clientPorts.length; i++) {
            members.add("m" + i + "=http://127.0.0.1:" + peerPorts[i]);
        }
        return String.join(",", members);
    }

    private void launch(int i, String state) throws IOException {
        String peer = "http://127.0.0.1:" + peerPorts[i];
        members[i] = new ProcessBuilder(
                        etcd.toString(),
                        "--name",
                        "m" + i,
                        "--data-dir",
                        dir.resolve("m" + i).toString(),
                        "--listen-client-urls",
                        url(i).toString(),
                        "--advertise-client-urls",
                        url(i).toString(),
                        "--listen-peer-urls",
                        peer,
                        "--initial-advertise-peer-urls",
                        peer,
                        "--initial-cluster",
                        initialCluster(),
                        "--initial-cluster-state",
                        state)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("m" + i + ".log").toFile()))
                .start();
    }

    private void awaitUp(int i) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", clientPorts[i])) {
                return;
            } catch (IOException notYet) {
                if (!members[i].isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "etcd member " + i + " did not start: " + Files.readString(dir.resolve("m" + i + ".log")));
                }
                Thread.sleep(50);
            }
        }
    }

    public URI url(int i) {
        return URI.create("http://127.0.0.1:" + clientPorts[i]);
    }

    /** Every member's client URL, comma-separated (poplar.cluster.etcd). */
    public String urls() {
        return java.util.stream.IntStream.range(0, clientPorts.length)
                .mapToObj(i -> url(i).toString())
                .collect(Collectors.joining(","));
    }

    /** Kills member {@code i} (SIGKILL: no goodbye to the others). */
    public void kill(int i) throws InterruptedException {
        members[i].destroyForcibly().waitFor();
    }

    /** Starts member {@code i} again on its data. */
    public void restart(int i) throws Exception {
        launch(i, "existing");
        awaitUp(i);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : members) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }
}

package dev.poplar.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP listener for a server-speaks-first protocol. A platform thread takes a connection permit
 * before it accepts (so the limit holds before the kernel queue is drained), then hands each
 * socket to a named virtual thread; the permit returns in one finally.
 *
 * <p>Shutdown (STYLE item 10): stop accepting, mark the live connections draining and shut
 * their input, so idle sessions end at once and busy ones after their current command; wait
 * for a grace period; close whatever is left.
 */
public final class Listener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.net");
    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final ServerSocket server;
    private final Semaphore permits;
    private final int maxConnections;
    private final ConnectionHandler handler;
    private final Set<Live> live = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean draining;

    private Listener(String name, ServerSocket server, int maxConnections, ConnectionHandler handler) {
        this.name = name;
        this.server = server;
        this.maxConnections = maxConnections;
        this.permits = new Semaphore(maxConnections);
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().name(name + "-acceptor").daemon(true).unstarted(this::acceptLoop);
    }

    /** Binds now (so a busy port fails start-up) and starts accepting. */
    public static Listener start(String name, InetSocketAddress address, int maxConnections,
                                 ConnectionHandler handler) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(address, 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen for " + name + " on " + address.getHostString() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        Listener l = new Listener(name, server, maxConnections, handler);
        l.acceptor.start();
        return l;
    }

    public int port() {
        return server.getLocalPort();
    }

    public int activeConnections() {
        return live.size();
    }

    public int maxConnections() {
        return maxConnections;
    }

    private void acceptLoop() {
        while (!draining) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                permits.release();
                if (!draining && !server.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, name + " accept failed: " + e.getMessage());
                    continue;
                }
                return;
            }
            Live connection = new Live(name + "-" + Long.toString(IDS.incrementAndGet(), 36), socket);
            live.add(connection);
            try {
                Thread.ofVirtual().name(connection.id).start(() -> run(connection));
            } catch (RuntimeException | Error e) {
                live.remove(connection);
                closeQuietly(socket);
                permits.release();
                throw e;
            }
        }
    }

    private void run(Live connection) {
        try {
            connection.socket.setTcpNoDelay(true);
            handler.handle(connection);
        } catch (IOException e) {
            // setTcpNoDelay on a socket the peer already closed: nothing to do
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session=" + connection.id + " failed", e);
        } finally {
            closeQuietly(connection.socket);
            live.remove(connection);
            permits.release();
        }
    }

    /** Stops accepting and ends sessions as described above. */
    public void shutdown(Duration grace) {
        draining = true;
        closeQuietly(server);
        acceptor.interrupt();
        for (Live c : live) {
            try {
                c.socket.shutdownInput();
            } catch (IOException e) {
                closeQuietly(c.socket);
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            // Wait for sessions to give back their permits.
            long left = deadline - System.nanoTime();
            if (left > 0 && permits.tryAcquire(maxConnections, left, TimeUnit.NANOSECONDS)) {
                permits.release(maxConnections);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Live c : live) {
            closeQuietly(c.socket);
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private final class Live implements Connection {
        private final String id;
        private final Socket socket;
        private final String clientAddress;

        Live(String id, Socket socket) {
            this.id = id;
            this.socket = socket;
            this.clientAddress = socket.getInetAddress().getHostAddress();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Socket socket() {
            return socket;
        }

        @Override
        public String clientAddress() {
            return clientAddress;
        }

        @Override
        public boolean draining() {
            return draining;
        }
    }
}

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
    private final ListenerObserver observer;
    private final ConnectionPolicy policy;
    private final Set<Live> live = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final java.util.concurrent.ScheduledExecutorService watchdog;
    private volatile boolean accepting = true;

    private Listener(
            String name,
            ServerSocket server,
            int maxConnections,
            ConnectionHandler handler,
            ListenerObserver observer,
            ConnectionPolicy policy) {
        this.policy = policy;
        this.name = name;
        this.server = server;
        this.maxConnections = maxConnections;
        this.permits = new Semaphore(maxConnections);
        this.handler = handler;
        this.observer = observer;
        this.acceptor =
                Thread.ofPlatform().name(name + "-acceptor").daemon(true).unstarted(this::acceptLoop);
        this.watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name + "-write-watchdog").daemon(true).factory());
    }

    /** Binds now (so a busy port fails start-up) and starts accepting. */
    public static Listener start(
            String name,
            InetSocketAddress address,
            int maxConnections,
            ConnectionHandler handler,
            ListenerObserver observer,
            Duration writeTimeout)
            throws IOException {
        return start(name, address, maxConnections, handler, observer, ConnectionPolicy.open(writeTimeout));
    }

    public static Listener start(
            String name,
            InetSocketAddress address,
            int maxConnections,
            ConnectionHandler handler,
            ListenerObserver observer,
            ConnectionPolicy policy)
            throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(address, 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException(
                    "cannot listen for " + name + " on " + address.getHostString() + ":" + address.getPort() + ": "
                            + e.getMessage(),
                    e);
        }
        Listener l = new Listener(name, server, maxConnections, handler, observer, policy);
        l.acceptor.start();
        l.watchdog.scheduleWithFixedDelay(l::cutStalledWriters, 1, 1, TimeUnit.SECONDS);
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

    public String name() {
        return name;
    }

    /** The live sessions, for the admin API. */
    public java.util.List<SessionView> sessions() {
        return live.stream().map(Live::view).toList();
    }

    /**
     * A blocked socket write never times out in Java. Once a second, close the sockets whose write
     * has blocked longer than the write timeout: the write fails, the session ends and releases its
     * maildrop lease (a client that stops reading mid-RETR cannot hold a mailbox forever).
     */
    private void cutStalledWriters() {
        long now = System.nanoTime();
        long limit = policy.writeTimeout().toNanos();
        for (Live c : live) {
            long started = c.writeStarted;
            if (started != 0 && now - started > limit) {
                c.interruption = Connection.Interruption.WRITE_TIMEOUT;
                closeQuietly(c.socket);
            }
        }
    }

    /** Ends one session (the client gets a protocol-level goodbye; nothing is deleted). */
    public boolean kick(String sessionId) {
        for (Live c : live) {
            if (c.id.equals(sessionId)) {
                return c.interruptIfRunning(Connection.Interruption.KICKED);
            }
        }
        return false;
    }

    /**
     * Ends every session of {@code user}; returns how many it ended. A session already told to
     * end (kicked, shutting down) is not counted again while it finishes: it stays in the live
     * list until its thread is done, which on a busy machine can take a moment.
     */
    public int kickUser(String user) {
        int n = 0;
        for (Live c : live) {
            if (user.equals(c.user) && c.interruptIfRunning(Connection.Interruption.KICKED)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Stops accepting new connections and lets the live ones finish (rolling restarts): the port
     * closes, so a proxy or client moves to another node.
     */
    public void drain() {
        accepting = false;
        closeQuietly(server);
        acceptor.interrupt();
    }

    public boolean accepting() {
        return accepting;
    }

    /**
     * Over the limit, a connection is still accepted, told why in one line, and closed at once, so
     * the client sees a clear [SYS/TEMP] rather than a hang in the kernel's queue. Live sockets
     * stay bounded by the permits; refused ones live for one write.
     */
    private void acceptLoop() {
        while (accepting) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (accepting && !server.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, name + " accept failed: " + e.getMessage());
                    continue;
                }
                return;
            }
            if (!permits.tryAcquire()) {
                try (socket) {
                    refuse(socket, Rejection.MAX_CONNECTIONS);
                } catch (IOException ignored) {
                    // closing a refused socket
                }
                continue;
            }
            Live connection = new Live(name + "-" + Long.toString(IDS.incrementAndGet(), 36), socket);
            live.add(connection);
            observer.accepted();
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

    /**
     * Tells a refused client why, in one line. The caller closes the socket normally (FIN after
     * the line), so the client reads the reason rather than a reset.
     */
    private void refuse(Socket socket, Rejection why) {
        observer.rejected(why);
        try {
            String line = handler.rejection(why);
            if (!line.isEmpty()) {
                socket.getOutputStream().write(line.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        } catch (IOException ignored) {
            // the client left already
        }
    }

    private void run(Live connection) {
        java.net.InetAddress counted = null;
        try {
            connection.socket.setTcpNoDelay(true);
            if (Cidr.anyContains(policy.trustedProxies(), connection.socket.getInetAddress())) {
                connection.socket.setSoTimeout(
                        Math.toIntExact(policy.proxyHeaderTimeout().toMillis()));
                connection.viaTrustedProxy = true;
                try {
                    ProxyProtocol.read(connection.socket.getInputStream()).ifPresent(connection::setClient);
                } catch (IOException e) {
                    refuse(connection.socket, Rejection.BAD_PROXY_HEADER);
                    return;
                }
            }
            counted = connection.clientInet;
            boolean exemptProxy =
                    connection.viaTrustedProxy && connection.clientInet.equals(connection.socket.getInetAddress());
            if (!policy.perAddress().acquire(connection.clientInet) && !exemptProxy) {
                refuse(connection.socket, Rejection.MAX_CONNECTIONS_PER_IP);
                return;
            }
            if (policy.banned().test(connection.clientInet)) {
                refuse(connection.socket, Rejection.BANNED);
                return;
            }
            handler.handle(connection);
        } catch (IOException e) {
            // setTcpNoDelay on a socket the peer already closed: nothing to do
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "session=" + connection.id + " failed", e);
        } finally {
            if (counted != null) {
                policy.perAddress().release(counted);
            }
            closeQuietly(connection.socket);
            live.remove(connection);
            permits.release();
        }
    }

    /** Stops accepting and ends sessions as described above. */
    public void shutdown(Duration grace) {
        drain();
        watchdog.shutdownNow();
        for (Live c : live) {
            c.interrupt(Connection.Interruption.SHUTDOWN);
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
        private volatile String clientAddress;
        private volatile java.net.InetAddress clientInet;
        private final java.time.Instant started = java.time.Instant.now();
        private volatile Interruption interruption = Interruption.NONE;
        private volatile String user = "";
        private volatile String state = "";
        private volatile long bytesIn;
        private volatile long bytesOut;
        private volatile long writeStarted;
        private volatile boolean viaTrustedProxy;

        @Override
        public boolean viaTrustedProxy() {
            return viaTrustedProxy;
        }

        @Override
        public void writeStarted(long nanoTime) {
            writeStarted = nanoTime;
        }

        Live(String id, Socket socket) {
            this.id = id;
            this.socket = socket;
            this.clientInet = socket.getInetAddress();
            this.clientAddress = clientInet.getHostAddress();
        }

        void setClient(java.net.InetAddress real) {
            clientInet = real;
            clientAddress = real.getHostAddress();
        }

        @Override
        public java.net.InetAddress clientInetAddress() {
            return clientInet;
        }

        /** Interrupts unless already interrupted; true when this call did it. */
        synchronized boolean interruptIfRunning(Interruption why) {
            if (interruption != Interruption.NONE) {
                return false;
            }
            interrupt(why);
            return true;
        }

        void interrupt(Interruption why) {
            interruption = why;
            try {
                socket.shutdownInput(); // the session's blocked read returns end of input
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }

        SessionView view() {
            return new SessionView(id, name, user, clientAddress, state, started, bytesIn, bytesOut);
        }

        @Override
        public String listener() {
            return name;
        }

        @Override
        public void publish(String user, String state, long bytesIn, long bytesOut) {
            this.user = user;
            this.state = state;
            this.bytesIn = bytesIn;
            this.bytesOut = bytesOut;
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
        public Interruption interruption() {
            return interruption;
        }
    }
}

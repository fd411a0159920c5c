package dev.poplar.pop3;

import dev.poplar.log.SessionLog;
import dev.poplar.net.CloseReason;
import dev.poplar.net.Connection;
import dev.poplar.storage.BufferPool;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSocket;

/**
 * One POP3 connection, run on its own virtual thread from greeting to close.
 *
 * <pre>
 *   greeting --> AUTHORIZATION --USER/PASS ok--> TRANSACTION --QUIT--> UPDATE --> close
 *                     |   ^ (PASS fails: stay)        |
 *                     +-- QUIT --> close              +-- EOF / timeout / shutdown / kick --> close, nothing deleted
 * </pre>
 *
 * Threading: all state is confined to the session's thread. Another thread may only shut the
 * socket's input (shutdown, kick), which this thread sees as end of input.
 *
 * <p>Pipelining (RFC 2449 section 6.6): every complete command in the input buffer is run in
 * order; replies are flushed only when no more input is waiting. Metrics and the command count
 * are recorded here, once per command, not in the handlers.
 */
final class Pop3Session {
    private static final System.Logger LOG = System.getLogger("dev.poplar.pop3");
    private static final int INPUT_BUFFER = 1024;

    private final Connection connection;
    private final Pop3Service service;
    private final SessionContext ctx;
    private final Pop3Parser parser = new Pop3Parser();
    /**
     * Input buffers are borrowed only while there is input to parse: a silent client (most of
     * them, most of the time) is waited for with a one-byte read, so an idle session holds 1 KiB
     * less (measured in docs/benchmarks.md, "Idle memory").
     */
    private static final BufferPool INPUT_BUFFERS = new BufferPool(INPUT_BUFFER, 4096);
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocate(0);
    private final byte[] firstByte = new byte[1];
    private ByteBuffer input = NO_INPUT;
    /** The socket the session talks through: the accepted one, or its TLS layer after STLS/POP3S. */
    private Socket socket;
    private InputStream in;
    private ReplyWriter writer;
    private long bytesIn;
    private long bytesOutBeforeTls;

    Pop3Session(Connection connection, Pop3Service service) {
        this.connection = connection;
        this.service = service;
        this.ctx = new SessionContext(connection.id(), connection.clientInetAddress(), connection.viaTrustedProxy());
    }

    void run() {
        long started = System.nanoTime();
        try {
            socket = connection.socket();
            if (service.implicitTls && !startTls("implicit")) {
                return;
            }
            useStreams(socket);
            writer.write(new Reply.Ok(greeting()));
            loop();
        } catch (SocketTimeoutException e) {
            // RFC 1939 section 3: autologout closes without UPDATE and without a response.
            ctx.closeReason = CloseReason.IDLE_TIMEOUT;
        } catch (IOException e) {
            ctx.closeReason = connection.interruption() == Connection.Interruption.WRITE_TIMEOUT
                    ? CloseReason.WRITE_TIMEOUT : CloseReason.CONNECTION_LOST;
        } catch (StoreException e) {
            // Mid-RETR store failure: the multi-line reply cannot be finished, so close.
            ctx.closeReason = CloseReason.STORE_ERROR;
            LOG.log(System.Logger.Level.WARNING, "session=" + ctx.sessionId + " store error during reply: " + e);
        } catch (RuntimeException e) {
            ctx.closeReason = CloseReason.INTERNAL_ERROR;
            LOG.log(System.Logger.Level.ERROR, "session=" + ctx.sessionId + " internal error", e);
            trySend(writer, new Reply.Err(ResponseCode.SYS_TEMP, "Internal server error, closing"));
        } finally {
            if (ctx.state instanceof Transaction tx) {
                tx.maildrop().close(); // releases the lease; deletes nothing
            }
            if (ctx.countedAsSessionOf != null) {
                service.userSessions.release(ctx.countedAsSessionOf);
            }
            if (socket != connection.socket()) {
                closeQuietly(socket); // the TLS layer; the listener closes the accepted socket
            }
            releaseInput();
            long nanos = System.nanoTime() - started;
            long bytesOut = bytesOutBeforeTls + (writer == null ? 0 : writer.bytesWritten());
            service.meters.sessionClosed(ctx.closeReason, nanos, bytesIn, bytesOut);
            logSummary(nanos, bytesOut);
        }
    }

    /** With APOP on, the greeting carries a unique timestamp (RFC 1939 section 7). */
    private String greeting() {
        if (service.settings.apop().isEmpty()) {
            return "Poplar POP3 server ready";
        }
        ctx.apopTimestamp = "<" + ProcessHandle.current().pid() + "." + System.nanoTime() + "."
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + "@"
                + service.settings.hostname() + ">";
        return "Poplar POP3 server ready " + ctx.apopTimestamp;
    }

    private void useStreams(Socket s) throws IOException {
        s.setSoTimeout(timeoutMillis());
        in = s.getInputStream();
        if (writer != null) {
            bytesOutBeforeTls += writer.bytesWritten();
        }
        writer = new ReplyWriter(new dev.poplar.net.WatchedOutputStream(s.getOutputStream(), connection));
    }

    /** Before login the shorter auth timeout applies; after it the RFC 1939 autologout timer. */
    private int timeoutMillis() {
        return Math.toIntExact((ctx.state instanceof Transaction ? service.settings.idleTimeout()
                : service.settings.authTimeout()).toMillis());
    }

    private void loop() throws IOException, StoreException {
        while (true) {
            parser.saslMode(ctx.state instanceof SessionState.Sasl);
            ParseResult result = parser.next(input);
            if (result != null) {
                boolean wasLoggedIn = ctx.state instanceof Transaction;
                handle(result);
                if (ctx.closeAfterReply) {
                    writer.flush();
                    return;
                }
                if (ctx.startTls && !startTls("stls")) {
                    return;
                }
                if (!wasLoggedIn && ctx.state instanceof Transaction) {
                    socket.setSoTimeout(timeoutMillis()); // from the auth timer to the autologout timer
                }
                continue;
            }
            int waiting = in.available();
            if (waiting == 0) {
                writer.flush(); // the pipelined batch is done: one flush for all its replies
                connection.publish(ctx.user(), stateName(), bytesIn, bytesOutBeforeTls + writer.bytesWritten());
            }
            int n;
            try {
                n = readInput(waiting);
            } catch (IOException e) {
                if (connection.interruption() == Connection.Interruption.NONE) {
                    throw e;
                }
                n = -1; // a TLS read cut by shutdown or kick: treat as the interruption it is
            }
            if (n < 0) {
                endOfInput();
                return;
            }
            bytesIn += n;
        }
    }

    /**
     * Reads the next input into a borrowed buffer (the parser has consumed all of the previous
     * one: it keeps partial lines itself); {@code waiting} is what the socket said it holds.
     * Returns the bytes read, or -1 at end of input.
     */
    private int readInput(int waiting) throws IOException {
        releaseInput();
        byte[] buffer;
        int n;
        if (waiting > 0) {
            buffer = INPUT_BUFFERS.borrow();
            n = in.read(buffer, 0, buffer.length);
        } else {
            if (in.read(firstByte, 0, 1) < 0) { // parks here, holding no buffer, until the client speaks
                return -1;
            }
            buffer = INPUT_BUFFERS.borrow();
            buffer[0] = firstByte[0];
            n = 1;
            if (buffer[0] != '\n') {
                // The line has not ended, so more is on its way: this read returns as soon as
                // some has arrived (an end of input here is seen again by the next read).
                n += Math.max(0, in.read(buffer, 1, buffer.length - 1));
            }
        }
        if (n < 0) {
            INPUT_BUFFERS.release(buffer);
            return -1;
        }
        input = ByteBuffer.wrap(buffer, 0, n);
        return n;
    }

    private void releaseInput() {
        if (input != NO_INPUT) {
            INPUT_BUFFERS.release(input.array());
            input = NO_INPUT;
        }
    }

    /**
     * Switches to TLS: after STLS's +OK (RFC 2595 section 4), or at once on the POP3S listener
     * (RFC 8314). Input buffered before the switch is discarded, so no command can be injected in
     * clear text ahead of the handshake; the session restarts in AUTHORIZATION.
     */
    private boolean startTls(String mode) throws IOException {
        if (writer != null) {
            writer.flush();
        }
        ctx.startTls = false;
        releaseInput();
        parser.reset();
        ctx.state = SessionState.Authorization.start();
        SSLSocket tls = service.settings.tls().orElseThrow().wrap(socket);
        try {
            tls.setSoTimeout(Math.toIntExact(service.settings.authTimeout().toMillis()));
            tls.startHandshake();
        } catch (IOException e) {
            service.meters.tlsHandshake(mode, false);
            ctx.closeReason = CloseReason.TLS_HANDSHAKE_FAILED;
            socket = tls;
            return false;
        }
        service.meters.tlsHandshake(mode, true);
        socket = tls;
        ctx.tls = mode + "/" + tls.getSession().getProtocol();
        useStreams(tls);
        return true;
    }

    private void endOfInput() throws IOException, StoreException {
        switch (connection.interruption()) {
            case SHUTDOWN -> {
                ctx.closeReason = CloseReason.SERVER_SHUTDOWN;
                writer.write(new Reply.Err(ResponseCode.SYS_TEMP, "Server shutting down, try again later"));
            }
            case KICKED -> {
                ctx.closeReason = CloseReason.KICKED;
                writer.write(new Reply.Err(ResponseCode.SYS_TEMP, "Session ended by the administrator"));
            }
            case WRITE_TIMEOUT -> ctx.closeReason = CloseReason.WRITE_TIMEOUT;
            case NONE -> ctx.closeReason = parser.hasPartialLine()
                    ? CloseReason.CLIENT_CLOSED_MID_COMMAND : CloseReason.CLIENT_CLOSED;
        }
        writer.flush();
    }

    private void handle(ParseResult result) throws IOException, StoreException {
        long started = System.nanoTime();
        ctx.commands++;
        Reply reply = switch (result) {
            case ParseResult.Parsed p -> service.dispatcher.dispatch(ctx, p.command());
            case ParseResult.SaslResponse r -> service.dispatcher.saslResponse(ctx, r.line());
            case ParseResult.Malformed m -> {
                if (ctx.state instanceof SessionState.Sasl) {
                    ctx.state = SessionState.Authorization.start(); // an over-long response ends the exchange
                }
                yield new Reply.Err(m.reason());
            }
        };
        long sent = writer.write(reply);
        String name = commandName(result);
        service.meters.command(name, reply.ok(), System.nanoTime() - started);
        if (reply instanceof Reply.Message) {
            boolean top = name.equals("TOP");
            service.meters.retrieved(top, sent);
            if (!top) {
                ctx.retrievedCount++;
                ctx.retrievedBytes += sent;
            }
        }
        if (reply instanceof Reply.Err err && isClientMistake(err)) {
            if (++ctx.consecutiveBadCommands >= service.settings.maxBadCommands()) {
                writer.write(new Reply.Err("Too many bad commands in a row, closing connection"));
                ctx.close(CloseReason.TOO_MANY_ERRORS);
            }
        } else {
            ctx.consecutiveBadCommands = 0;
        }
    }

    /** The cmd_name label: a known keyword, else "unknown" (never client text). */
    private static String commandName(ParseResult result) {
        return switch (result) {
            case ParseResult.Parsed p -> p.command().name();
            case ParseResult.SaslResponse r -> "AUTH";
            case ParseResult.Malformed m -> dev.poplar.metrics.Pop3Meters.COMMANDS.contains(m.keyword())
                    ? m.keyword() : "unknown";
        };
    }

    private String stateName() {
        return switch (ctx.state) {
            case SessionState.Authorization a -> "AUTHORIZATION";
            case SessionState.Sasl s -> "AUTHORIZATION";
            case Transaction t -> "TRANSACTION";
        };
    }

    /** Protocol errors and failed logins count towards the limit; server-side trouble does not. */
    private static boolean isClientMistake(Reply.Err err) {
        return err.code() == ResponseCode.NONE || err.code() == ResponseCode.AUTH;
    }

    private static void trySend(ReplyWriter writer, Reply reply) {
        if (writer == null) {
            return;
        }
        try {
            writer.write(reply);
            writer.flush();
        } catch (IOException | StoreException | RuntimeException ignored) {
            // the connection is going away anyway
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** DESIGN, observability: one line per session, never a password. */
    private void logSummary(long nanos, long bytesOut) {
        LOG.log(System.Logger.Level.INFO, SessionLog.event("pop3_session")
                .with("session", ctx.sessionId)
                .with("user", ctx.user())
                .with("ip", ctx.clientAddress)
                .with("tls", ctx.tls)
                .with("commands", ctx.commands)
                .with("retr_count", ctx.retrievedCount)
                .with("retr_bytes", ctx.retrievedBytes)
                .with("dele_count", ctx.deletedCount)
                .with("dele_bytes", ctx.deletedBytes)
                .with("in_bytes", bytesIn)
                .with("out_bytes", bytesOut)
                .with("duration_ms", nanos / 1_000_000)
                .with("reason", ctx.closeReason.label())
                .toString());
    }
}

package dev.poplar.session;

import dev.poplar.log.SessionLog;
import dev.poplar.net.CloseReason;
import dev.poplar.net.Connection;
import dev.poplar.net.WatchedOutputStream;
import dev.poplar.storage.StoreException;
import dev.poplar.tls.TlsSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * The one socket loop of every line protocol (POP3, LMTP), run on the connection's virtual
 * thread from greeting to close: read, let the {@link Conversation} run what arrived, flush when
 * the pipelined input is drained (RFC 2449 section 6.6, RFC 2920), switch to TLS, apply the read
 * timeout of the current state, say goodbye on shutdown or kick, and write the summary line.
 *
 * <p>Threading: all state is confined to the session's thread. Another thread may only shut the
 * socket's input (shutdown, kick), which this thread sees as end of input.
 */
public final class LineSession {
    private static final ByteBuffer NO_INPUT = ByteBuffer.allocate(0);

    private final Connection connection;
    private final Conversation conversation;
    private final SessionSettings settings;
    private final byte[] firstByte = new byte[1];
    /**
     * Input buffers are borrowed only while there is input to parse: a silent client (most of
     * them, most of the time) is waited for with a one-byte read, so an idle session holds no
     * buffer (measured in docs/benchmarks.md, "Idle memory").
     */
    private ByteBuffer input = NO_INPUT;
    /** The accepted socket. */
    private Socket socket;
    /** Its TLS layer once TLS started, else null: then the session talks through it. */
    private TlsSocket tls;

    private InputStream in;
    private WatchedOutputStream out;
    private int timeoutMillis = -1;
    private long bytesIn;
    private long bytesOutBefore;
    private CloseReason reason = CloseReason.CLIENT_CLOSED;

    public LineSession(Connection connection, Conversation conversation, SessionSettings settings) {
        this.connection = connection;
        this.conversation = conversation;
        this.settings = settings;
    }

    public void run() {
        long started = System.nanoTime();
        try {
            socket = connection.socket();
            if (settings.implicitTls() && !startTls("implicit")) {
                return;
            }
            if (tls == null) {
                useStreams(socket.getInputStream(), socket.getOutputStream());
            }
            conversation.greet();
            loop();
        } catch (SocketTimeoutException e) {
            reason = CloseReason.IDLE_TIMEOUT;
            lastWords();
        } catch (IOException e) {
            reason = connection.interruption() == Connection.Interruption.WRITE_TIMEOUT
                    ? CloseReason.WRITE_TIMEOUT
                    : CloseReason.CONNECTION_LOST;
        } catch (StoreException e) {
            // A store failure in the middle of a multi-line reply: it cannot be finished, so close.
            reason = CloseReason.STORE_ERROR;
            settings.logger()
                    .log(System.Logger.Level.WARNING, "session=" + connection.id() + " store error during reply: " + e);
        } catch (RuntimeException e) {
            reason = CloseReason.INTERNAL_ERROR;
            settings.logger().log(System.Logger.Level.ERROR, "session=" + connection.id() + " internal error", e);
            lastWords();
        } finally {
            if (tls != null) {
                closeQuietly(tls); // the listener closes the accepted socket
            }
            releaseInput();
            long nanos = System.nanoTime() - started;
            long bytesOut = bytesOut();
            conversation.closed(reason, nanos, bytesIn, bytesOut);
            SessionLog line = SessionLog.event(settings.logEvent()).with("session", connection.id());
            conversation.summarize(line);
            settings.logger()
                    .log(
                            System.Logger.Level.INFO,
                            line.with("in_bytes", bytesIn)
                                    .with("out_bytes", bytesOut)
                                    .with("duration_ms", nanos / 1_000_000)
                                    .with("reason", reason.label())
                                    .toString());
        }
    }

    private long bytesOut() {
        return bytesOutBefore + (out == null ? 0 : out.written());
    }

    private void loop() throws IOException, StoreException {
        while (true) {
            switch (conversation.consume(input)) {
                case Effect.Continue c -> {
                    if (!read()) {
                        return;
                    }
                }
                case Effect.StartTls s -> {
                    if (!startTls("stls")) {
                        return;
                    }
                }
                case Effect.Close close -> {
                    reason = close.reason();
                    conversation.flush();
                    return;
                }
            }
        }
    }

    /** Reads more input, flushing the replies first when none is waiting; false at its end. */
    private boolean read() throws IOException {
        applyTimeout();
        int waiting = in.available();
        if (waiting == 0) {
            conversation.flush(); // the pipelined batch is done: one flush for all its replies
            connection.publish(conversation.user(), conversation.state(), bytesIn, bytesOut());
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
            return false;
        }
        bytesIn += n;
        return true;
    }

    /**
     * Reads the next input into a borrowed buffer (the conversation has consumed all of the
     * previous one: it keeps partial lines itself); {@code waiting} is what the socket said it
     * holds. Returns the bytes read, or -1 at end of input.
     */
    private int readInput(int waiting) throws IOException {
        releaseInput();
        byte[] buffer;
        int n;
        if (waiting > 0) {
            buffer = settings.inputBuffers().borrow();
            n = in.read(buffer, 0, buffer.length);
        } else {
            if (in.read(firstByte, 0, 1) < 0) { // parks here, holding no buffer, until the client speaks
                return -1;
            }
            buffer = settings.inputBuffers().borrow();
            buffer[0] = firstByte[0];
            n = 1;
            if (buffer[0] != '\n') {
                // The line has not ended, so more is on its way: this read returns as soon as
                // some has arrived (an end of input here is seen again by the next read).
                n += Math.max(0, in.read(buffer, 1, buffer.length - 1));
            }
        }
        if (n < 0) {
            settings.inputBuffers().release(buffer);
            return -1;
        }
        input = ByteBuffer.wrap(buffer, 0, n);
        return n;
    }

    private void releaseInput() {
        if (input != NO_INPUT) {
            settings.inputBuffers().release(input.array());
            input = NO_INPUT;
        }
    }

    private void endOfInput() throws IOException {
        reason = switch (connection.interruption()) {
            case SHUTDOWN -> CloseReason.SERVER_SHUTDOWN;
            case KICKED -> CloseReason.KICKED;
            case WRITE_TIMEOUT -> CloseReason.WRITE_TIMEOUT;
            case NONE -> conversation.clientClosed();
        };
        if (reason == CloseReason.SERVER_SHUTDOWN || reason == CloseReason.KICKED) {
            conversation.farewell(reason);
        }
        conversation.flush();
    }

    /** The farewell after a timeout or an internal error, on a connection that may be gone already. */
    private void lastWords() {
        if (out == null) {
            return;
        }
        try {
            conversation.farewell(reason);
            conversation.flush();
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away anyway
        }
    }

    private void useStreams(InputStream input, OutputStream output) throws IOException {
        in = input;
        if (out != null) {
            bytesOutBefore += out.written();
        }
        out = new WatchedOutputStream(output, connection);
        conversation.output(out);
        timeoutMillis = -1;
        applyTimeout();
    }

    /** The read timeout follows the state: before login the shorter one, after it RFC 1939's autologout. */
    private void applyTimeout() throws IOException {
        int millis = Math.toIntExact(conversation.readTimeout().toMillis());
        if (millis != timeoutMillis) {
            if (tls != null) {
                tls.setReadTimeout(millis);
            } else {
                socket.setSoTimeout(millis);
            }
            timeoutMillis = millis;
        }
    }

    /**
     * Switches to TLS: after STLS's positive reply (RFC 2595 section 4), or at once on an
     * implicit-TLS listener (RFC 8314). Input buffered before the switch is discarded, so no
     * command can be injected in clear text ahead of the handshake.
     */
    private boolean startTls(String mode) throws IOException {
        if (out != null) {
            conversation.flush();
        }
        releaseInput();
        conversation.tlsStarting();
        tls = settings.tls().orElseThrow().wrap(socket);
        try {
            tls.setReadTimeout(Math.toIntExact(settings.handshakeTimeout().toMillis()));
            tls.handshake();
        } catch (IOException e) {
            conversation.tlsFinished(mode, null);
            reason = CloseReason.TLS_HANDSHAKE_FAILED;
            return false;
        }
        conversation.tlsFinished(mode, tls.protocol());
        if (tls.clientLeft()) {
            reason = CloseReason.CLIENT_CLOSED; // as a plaintext client that connects and hangs up
            return false;
        }
        useStreams(tls.input(), tls.output());
        return true;
    }

    private static void closeQuietly(java.io.Closeable s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

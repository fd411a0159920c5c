package dev.poplar.tls;

import dev.poplar.storage.BufferPool;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over an accepted socket driven by an {@link SSLEngine}, with blocking reads and writes on
 * the session's own (virtual) thread: how a provider that only offers engines (BoringSSL through
 * netty-tcnative) serves the unchanged session model.
 *
 * <p>Memory: record buffers are borrowed from a pool while there is something to decrypt or
 * encrypt, and given back before the session parks for its next command (a one-byte read of the
 * socket), so an idle connection holds only the engine's own state.
 *
 * <p>Bounds: the input buffer holds one record of the engine's packet size, which is the most a
 * peer may send in one record (RFC 8446 section 5.2); the engine rejects a longer one.
 *
 * <p>Threading: one thread reads and writes (the session's). Another may shut the socket's input
 * (shutdown, kick), which reads here see as the end of input.
 *
 * <p>Either side: the load generator drives client engines with it too (its BoringSSL client,
 * {@link #client}, which keeps its buffers: it has few connections and reads whole replies).
 */
public final class EngineTls implements TlsSocket {
    private static final ByteBuffer NONE = ByteBuffer.allocate(0);
    /** Engines ask for a write of nothing (handshake, close_notify) a bounded number of times. */
    private static final int MAX_EMPTY_WRAPS = 64;
    /** The most plaintext one record carries (RFC 8446 section 5.1). */
    private static final int MAX_PLAINTEXT = 1 << 14;

    private final Socket raw;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final SSLEngine engine;
    private final Runnable freeEngine;
    private final BufferPool buffers;
    /** Arrays for outgoing ciphertext: several records, sent in one socket write. */
    private final BufferPool writeBuffers;
    /** Buffers go back to the pool while nothing is held (a server's idle sessions). */
    private final boolean idleWithoutBuffers;
    /** The most ciphertext one record takes (plaintext of 2^14 bytes, RFC 8446 section 5.2). */
    private final int packetSize;
    /** Ciphertext read and not yet decrypted; write mode (position = bytes held). */
    private ByteBuffer netIn = NONE;
    /** Plaintext decrypted and not yet read; read mode. */
    private ByteBuffer appIn = NONE;

    private boolean inputDone;
    private boolean clientLeft;
    /** An unwrap asked for a wrap that has not happened yet (an answer the engine holds). */
    private boolean mustWrap;

    private boolean closed;
    private final Input input = new Input();
    private final Output output = new Output();

    /**
     * A client's side (the load generator's): one record per socket write (its writes are
     * commands), and its buffers kept while it waits, so that a reply's records are read in as
     * few reads as they arrive in, not one byte and then the rest.
     */
    public static EngineTls client(Socket raw, SSLEngine engine, Runnable freeEngine, BufferPool buffers)
            throws IOException {
        return new EngineTls(raw, engine, freeEngine, buffers, buffers, false);
    }

    /**
     * @param freeEngine frees the engine's native state; run once, on close
     * @param buffers arrays of at least the engine's packet and application buffer sizes
     * @param writeBuffers arrays for outgoing records, at least as large as {@code buffers}'
     */
    public EngineTls(Socket raw, SSLEngine engine, Runnable freeEngine, BufferPool buffers, BufferPool writeBuffers)
            throws IOException {
        this(raw, engine, freeEngine, buffers, writeBuffers, true);
    }

    private EngineTls(
            Socket raw,
            SSLEngine engine,
            Runnable freeEngine,
            BufferPool buffers,
            BufferPool writeBuffers,
            boolean idleWithoutBuffers)
            throws IOException {
        packetSize = engine.getSession().getPacketBufferSize();
        int need = Math.max(packetSize, engine.getSession().getApplicationBufferSize());
        if (buffers.size() < need || writeBuffers.size() < need) {
            throw new IllegalArgumentException("TLS buffers of " + Math.min(buffers.size(), writeBuffers.size())
                    + " bytes, the engine needs " + need);
        }
        this.raw = raw;
        this.rawIn = raw.getInputStream();
        this.rawOut = raw.getOutputStream();
        this.engine = engine;
        this.freeEngine = freeEngine;
        this.buffers = buffers;
        this.writeBuffers = writeBuffers;
        this.idleWithoutBuffers = idleWithoutBuffers;
    }

    @Override
    public void handshake() throws IOException {
        engine.beginHandshake();
        try {
            handshakeSteps();
        } catch (IOException e) {
            if (!completed()) {
                throw e;
            }
            // The client verified our Finished, sent its own and left (a certificate-expiry probe,
            // a client with nothing to fetch) while we still sent the TLS 1.3 session tickets
            // (RFC 8446 section 4.6.1): a completed handshake, and a client that closed.
            clientLeft = true;
        }
    }

    @Override
    public boolean clientLeft() {
        return clientLeft;
    }

    /**
     * True once the engine has verified the client's Finished (it then reports no handshake
     * session; before beginHandshake there is none either, but that is never the case here).
     */
    private boolean completed() {
        return engine.getHandshakeSession() == null;
    }

    private void handshakeSteps() throws IOException {
        int stalls = 0; // steps that sent nothing and read nothing: a confused engine must not spin
        while (true) {
            HandshakeStatus status = status();
            if (stalls > MAX_EMPTY_WRAPS) {
                throw new SSLException("the TLS engine made no progress (" + status + ")");
            }
            switch (status) {
                case NEED_WRAP -> stalls = wrapAndSend(NONE) > 0 ? 0 : stalls + 1;
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrap()) {
                        throw new EOFException("the peer closed the connection during the TLS handshake");
                    }
                    stalls = 0;
                }
                case NEED_TASK -> {
                    runTasks();
                    stalls++;
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    if (idleWithoutBuffers) {
                        releaseIdleBuffers();
                    }
                    return;
                }
            }
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void setReadTimeout(int millis) throws IOException {
        raw.setSoTimeout(millis);
    }

    @Override
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    /** Sends close_notify when the connection still works, then frees the engine and the buffers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.closeOutbound();
            if (!raw.isOutputShutdown() && !raw.isClosed()) {
                wrapAndSend(NONE);
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone: nothing to tell it
        } finally {
            giveBack(netIn);
            giveBack(appIn);
            netIn = NONE;
            appIn = NONE;
            freeEngine.run();
        }
    }

    /**
     * Decrypts what the socket brings until the engine has made progress (plaintext, or a
     * handshake step), reading as needed; parks without a buffer when nothing is held. False at
     * the end of input (close_notify, or the socket's end).
     */
    private boolean unwrap() throws IOException {
        while (true) {
            // Mid-handshake the engine goes first even with nothing new: netty's notices that the
            // handshake ended only on the call after the one that consumed the client's Finished
            // (then it answers BUFFER_UNDERFLOW with FINISHED).
            if (netIn.position() == 0
                    && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && !readSocket()) {
                return false;
            }
            if (appIn == NONE) {
                appIn = ByteBuffer.wrap(buffers.borrow()).flip();
            }
            appIn.compact(); // write mode: append after what is still unread
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
                appIn.flip();
            }
            // netty's engine may say NEED_WRAP only here (its alert refusing a TLS 1.2
            // renegotiation waits in its output while getHandshakeStatus() says NOT_HANDSHAKING).
            mustWrap |= r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
            switch (r.getStatus()) {
                case OK -> {
                    HandshakeStatus next = r.getHandshakeStatus();
                    if (next == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    boolean waiting = next == HandshakeStatus.NOT_HANDSHAKING || next == HandshakeStatus.NEED_UNWRAP;
                    if (r.bytesConsumed() > 0 || r.bytesProduced() > 0 || !waiting) {
                        return true;
                    }
                    if (!readSocket()) { // a partial record the engine kept: it needs the rest
                        return false;
                    }
                }
                case CLOSED -> {
                    inputDone = true;
                    return false;
                }
                case BUFFER_UNDERFLOW -> {
                    HandshakeStatus next = r.getHandshakeStatus();
                    if (next != HandshakeStatus.NEED_UNWRAP && next != HandshakeStatus.NOT_HANDSHAKING) {
                        return true; // the handshake moved on (finished, or has something to send)
                    }
                    if (!readSocket()) {
                        return false;
                    }
                }
                case BUFFER_OVERFLOW -> {
                    if (appIn.hasRemaining()) {
                        return true; // the reader must take what is there first
                    }
                    throw new SSLException("TLS record larger than " + appIn.capacity() + " bytes of plaintext");
                }
            }
        }
    }

    /**
     * Reads more ciphertext. On a server's side, with nothing held it gives the buffers back and
     * parks on a one-byte read (an idle connection holds no buffer); false at the end of input.
     */
    private boolean readSocket() throws IOException {
        if (netIn.position() == 0 && idleWithoutBuffers) {
            releaseIdleBuffers();
            int first = rawIn.read();
            if (first < 0) {
                return false;
            }
            if (netIn == NONE) {
                netIn = ByteBuffer.wrap(buffers.borrow());
            }
            netIn.put((byte) first);
            return true; // a record is longer than one byte: the engine asks for the rest
        }
        if (netIn == NONE) {
            netIn = ByteBuffer.wrap(buffers.borrow());
        }
        if (!netIn.hasRemaining()) {
            throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
        }
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            return false;
        }
        netIn.position(netIn.position() + n);
        return true;
    }

    /** What the engine needs next, counting a NEED_WRAP that only an unwrap's result reported. */
    private HandshakeStatus status() {
        return mustWrap ? HandshakeStatus.NEED_WRAP : engine.getHandshakeStatus();
    }

    /**
     * Encrypts {@code src} (or a handshake or alert message when it is empty) and writes it,
     * returning the bytes sent. The engine makes one record (at most 16 KiB of plaintext) per
     * call; records are gathered until the write buffer has no room for another and leave in one
     * socket write, because on loopback and LAN the kernel's cost is per write as much as per
     * byte (docs/benchmarks.md, "Records per socket write").
     */
    private int wrapAndSend(ByteBuffer src) throws IOException {
        mustWrap = false; // any wrap sends what the engine held first
        BufferPool pool = src.remaining() > MAX_PLAINTEXT ? writeBuffers : buffers;
        byte[] out = pool.borrow();
        try {
            ByteBuffer dst = ByteBuffer.wrap(out);
            int wraps = 0;
            do {
                SSLEngineResult r = engine.wrap(src, dst);
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (dst.position() == 0) {
                        throw new SSLException("TLS record larger than " + out.length + " bytes");
                    }
                    break; // send what fits, then go on
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED && src.hasRemaining()) {
                    throw new SSLException("TLS connection already closed");
                }
                if (r.bytesProduced() == 0 || ++wraps > MAX_EMPTY_WRAPS) {
                    break;
                }
            } while (src.hasRemaining()
                    ? dst.remaining() >= packetSize // another whole record fits
                    : engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
            if (dst.position() > 0) {
                rawOut.write(out, 0, dst.position());
            }
            return dst.position();
        } finally {
            pool.release(out);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Gives the buffers back when they hold nothing. */
    private void releaseIdleBuffers() {
        if (netIn != NONE && netIn.position() == 0) {
            giveBack(netIn);
            netIn = NONE;
        }
        if (appIn != NONE && !appIn.hasRemaining()) {
            giveBack(appIn);
            appIn = NONE;
        }
    }

    private void giveBack(ByteBuffer b) {
        if (b != NONE) {
            buffers.release(b.array());
        }
    }

    /** Plaintext from the peer. */
    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (!appIn.hasRemaining()) {
                if (inputDone || closed || !unwrap()) {
                    inputDone = true;
                    return -1;
                }
                answerHandshake();
            }
            int n = Math.min(len, appIn.remaining());
            appIn.get(b, off, n);
            return n;
        }

        /** Decrypted bytes that a read returns without waiting. */
        @Override
        public int available() {
            return appIn.remaining();
        }
    }

    /**
     * After a record, the engine may need to answer (a TLS 1.3 KeyUpdate, RFC 8446 section 4.6.3,
     * or a renegotiation refusal in TLS 1.2).
     */
    private void answerHandshake() throws IOException {
        for (int i = 0; i < MAX_EMPTY_WRAPS; i++) {
            switch (status()) {
                case NEED_WRAP -> wrapAndSend(NONE);
                case NEED_TASK -> runTasks();
                default -> {
                    return;
                }
            }
        }
        throw new SSLException("the TLS engine made no progress (" + engine.getHandshakeStatus() + ")");
    }

    /** Plaintext to the peer, one record per engine call. */
    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new SSLException("TLS connection closed");
            }
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                int before = src.remaining();
                // Sending only what the engine held (the TLS 1.3 session tickets, queued after the
                // handshake, with no room left for a full record in that call) is progress too.
                if (wrapAndSend(src) == 0 && src.remaining() == before) {
                    throw new SSLException("the TLS engine took no data (" + engine.getHandshakeStatus() + ")");
                }
            }
        }

        @Override
        public void flush() throws IOException {
            rawOut.flush();
        }
    }
}

package dev.poplar.session;

import dev.poplar.log.SessionLog;
import dev.poplar.net.CloseReason;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One protocol session as the {@link LineSession} runtime drives it: it turns input into steps of
 * the protocol's pure step function and replies into bytes; the runtime owns the socket, TLS,
 * timers, flushing and the summary line. Called on the session's thread only.
 */
public interface Conversation {
    /** Replies go to {@code out} from now on: at the start, and again after a switch to TLS. */
    void output(OutputStream out);

    /** Writes the greeting. */
    void greet() throws IOException;

    /**
     * Runs every complete input in {@code input} (left consumed up to where it stopped) and
     * returns {@link Effect#NONE} when it needs more, or the effect that ends the batch: the
     * input after a STLS or a QUIT is never read.
     */
    Effect consume(ByteBuffer input) throws IOException, StoreException;

    /** Sends what the replies left buffered. */
    void flush() throws IOException;

    /** The read timeout in the current state (before login shorter than after it). */
    Duration readTimeout();

    /** TLS is about to start: partial input is forgotten and the session starts over (RFC 2595 section 4). */
    void tlsStarting();

    /**
     * The handshake ended: {@code protocol} ("TLSv1.3") on success, null on failure; {@code mode}
     * "stls" or "implicit".
     */
    void tlsFinished(String mode, String protocol);

    /**
     * The last words before the connection closes for {@code reason} (buffered; the runtime
     * flushes), or nothing where the protocol says to close silently.
     */
    void farewell(CloseReason reason) throws IOException;

    /** Why the input ended when the client closed it: mid-command or between commands. */
    CloseReason clientClosed();

    /** The user (or "-") and the protocol state, for {@code poplar who}. */
    String user();

    String state();

    /** Adds the protocol's fields to the summary line (after the session id, before the byte counts). */
    void summarize(SessionLog line);

    /** The session is over: release what it holds (a maildrop lease, a user's session slot), record metrics. */
    void closed(CloseReason reason, long nanos, long bytesIn, long bytesOut);
}

package dev.poplar.pop3;

import dev.poplar.net.Connection;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * One POP3 connection, run on its own virtual thread from greeting to close.
 *
 * <pre>
 *   greeting --> AUTHORIZATION --USER/PASS ok--> TRANSACTION --QUIT--> UPDATE --> close
 *                     |   ^ (PASS fails: stay)        |
 *                     +-- QUIT --> close              +-- EOF / timeout / shutdown --> close, nothing deleted
 * </pre>
 *
 * Threading: all state is confined to the session's thread. Another thread may only shut the
 * socket's input (server shutdown), which this thread sees as end of input.
 *
 * <p>Pipelining (RFC 2449 section 6.6): every complete command in the input buffer is run in
 * order; replies are flushed only when no more input is waiting.
 */
final class Pop3Session {
    private static final System.Logger LOG = System.getLogger("dev.poplar.pop3");
    private static final int INPUT_BUFFER = 1024;

    private final Connection connection;
    private final Pop3Service service;
    private final SessionContext ctx;
    private final Pop3Parser parser = new Pop3Parser();

    Pop3Session(Connection connection, Pop3Service service) {
        this.connection = connection;
        this.service = service;
        this.ctx = new SessionContext(connection.id(), connection.clientAddress());
    }

    void run() {
        long started = System.nanoTime();
        ReplyWriter writer = null;
        try {
            connection.socket().setSoTimeout(Math.toIntExact(service.settings.idleTimeout().toMillis()));
            InputStream in = connection.socket().getInputStream();
            writer = new ReplyWriter(connection.socket().getOutputStream());
            writer.write(new Reply.Ok("Poplar POP3 server ready"));
            loop(in, writer);
        } catch (SocketTimeoutException e) {
            // RFC 1939 section 3: autologout closes without UPDATE and without a response.
            ctx.closeReason = "idle-timeout";
        } catch (IOException e) {
            ctx.closeReason = "connection-lost";
        } catch (StoreException e) {
            // Mid-RETR store failure: the multi-line reply cannot be finished, so close.
            ctx.closeReason = "store-error";
            LOG.log(System.Logger.Level.WARNING, "session=" + ctx.sessionId + " store error during reply: " + e);
        } catch (RuntimeException e) {
            ctx.closeReason = "internal-error";
            LOG.log(System.Logger.Level.ERROR, "session=" + ctx.sessionId + " internal error", e);
            trySend(writer, new Reply.Err(ResponseCode.SYS_TEMP, "Internal server error, closing"));
        } finally {
            if (ctx.state instanceof Transaction tx) {
                tx.maildrop().close(); // releases the lease; deletes nothing
            }
            logSummary(started, writer);
        }
    }

    private void loop(InputStream in, ReplyWriter writer) throws IOException, StoreException {
        ByteBuffer input = ByteBuffer.allocate(INPUT_BUFFER).flip();
        while (true) {
            ParseResult result;
            while ((result = parser.next(input)) != null) {
                handle(result, writer);
                if (ctx.closeAfterReply) {
                    writer.flush();
                    return;
                }
            }
            if (in.available() == 0) {
                writer.flush(); // the pipelined batch is done: one flush for all its replies
            }
            int n = in.read(input.array(), 0, input.capacity());
            if (n < 0) {
                if (connection.draining()) {
                    ctx.closeReason = "server-shutdown";
                    writer.write(new Reply.Err(ResponseCode.SYS_TEMP, "Server shutting down, try again later"));
                    writer.flush();
                } else {
                    ctx.closeReason = parser.hasPartialLine() ? "client-closed-mid-command" : "client-closed";
                }
                return;
            }
            input.position(0).limit(n);
        }
    }

    private void handle(ParseResult result, ReplyWriter writer) throws IOException, StoreException {
        ctx.commands++;
        Reply reply = switch (result) {
            case ParseResult.Parsed p -> service.dispatcher.dispatch(ctx, p.command());
            case ParseResult.Malformed m -> new Reply.Err(m.reason());
        };
        long sent = writer.write(reply);
        if (reply instanceof Reply.Message && result instanceof ParseResult.Parsed p
                && p.command() instanceof Command.Retr) {
            ctx.retrievedCount++;
            ctx.retrievedBytes += sent;
        }
        if (reply instanceof Reply.Err err && isClientMistake(err)) {
            if (++ctx.consecutiveBadCommands >= service.settings.maxBadCommands()) {
                writer.write(new Reply.Err("Too many bad commands in a row, closing connection"));
                ctx.close("too-many-errors");
            }
        } else {
            ctx.consecutiveBadCommands = 0;
        }
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

    /** DESIGN, observability: one line per session, never a password. */
    private void logSummary(long startedNanos, ReplyWriter writer) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.log(System.Logger.Level.INFO, "pop3 session=" + ctx.sessionId + " user=" + ctx.user()
                + " ip=" + ctx.clientAddress + " commands=" + ctx.commands
                + " retr=" + ctx.retrievedCount + "/" + ctx.retrievedBytes
                + " dele=" + ctx.deletedCount + "/" + ctx.deletedBytes
                + " out_bytes=" + (writer == null ? 0 : writer.bytesWritten())
                + " duration_ms=" + millis + " reason=" + ctx.closeReason);
    }
}

package dev.poplar.pop3;

import dev.poplar.log.SessionLog;
import dev.poplar.net.CloseReason;
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
    private long bytesIn;

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
            ctx.closeReason = CloseReason.IDLE_TIMEOUT;
        } catch (IOException e) {
            ctx.closeReason = CloseReason.CONNECTION_LOST;
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
            long nanos = System.nanoTime() - started;
            long bytesOut = writer == null ? 0 : writer.bytesWritten();
            service.meters.sessionClosed(ctx.closeReason, nanos, bytesIn, bytesOut);
            logSummary(nanos, bytesOut);
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
                connection.publish(ctx.user(), stateName(), bytesIn, writer.bytesWritten());
            }
            int n = in.read(input.array(), 0, input.capacity());
            if (n < 0) {
                endOfInput(writer);
                return;
            }
            bytesIn += n;
            input.position(0).limit(n);
        }
    }

    private void endOfInput(ReplyWriter writer) throws IOException, StoreException {
        switch (connection.interruption()) {
            case SHUTDOWN -> {
                ctx.closeReason = CloseReason.SERVER_SHUTDOWN;
                writer.write(new Reply.Err(ResponseCode.SYS_TEMP, "Server shutting down, try again later"));
            }
            case KICKED -> {
                ctx.closeReason = CloseReason.KICKED;
                writer.write(new Reply.Err(ResponseCode.SYS_TEMP, "Session ended by the administrator"));
            }
            case NONE -> ctx.closeReason = parser.hasPartialLine()
                    ? CloseReason.CLIENT_CLOSED_MID_COMMAND : CloseReason.CLIENT_CLOSED;
        }
        writer.flush();
    }

    private void handle(ParseResult result, ReplyWriter writer) throws IOException, StoreException {
        long started = System.nanoTime();
        ctx.commands++;
        Reply reply = switch (result) {
            case ParseResult.Parsed p -> service.dispatcher.dispatch(ctx, p.command());
            case ParseResult.Malformed m -> new Reply.Err(m.reason());
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
            case ParseResult.Malformed m -> dev.poplar.metrics.Pop3Meters.COMMANDS.contains(m.keyword())
                    ? m.keyword() : "unknown";
        };
    }

    private String stateName() {
        return switch (ctx.state) {
            case SessionState.Authorization a -> "AUTHORIZATION";
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

    /** DESIGN, observability: one line per session, never a password. */
    private void logSummary(long nanos, long bytesOut) {
        LOG.log(System.Logger.Level.INFO, SessionLog.event("pop3_session")
                .with("session", ctx.sessionId)
                .with("user", ctx.user())
                .with("ip", ctx.clientAddress)
                .with("tls", "none")
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

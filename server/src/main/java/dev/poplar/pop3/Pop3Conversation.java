package dev.poplar.pop3;

import dev.poplar.log.SessionLog;
import dev.poplar.net.CloseReason;
import dev.poplar.session.Conversation;
import dev.poplar.session.Effect;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One POP3 connection between the runtime and the step function:
 *
 * <pre>
 *   greeting --> AUTHORIZATION --USER/PASS ok--> TRANSACTION --QUIT--> UPDATE --> close
 *                     |   ^ (PASS fails: stay)        |
 *                     +-- QUIT --> close              +-- EOF / timeout / shutdown / kick --> close, nothing deleted
 * </pre>
 *
 * It parses lines, runs each through {@link Pop3Dispatcher#step}, writes the reply and keeps the
 * state the step returned. Metrics, the command count and the bad-command limit are applied here,
 * once per command, not in the handlers.
 */
final class Pop3Conversation implements Conversation {
    private final Pop3Service service;
    private final Pop3Parser parser = new Pop3Parser();
    private Pop3Peer peer;
    private SessionState state = SessionState.Authorization.start();
    private ReplyWriter writer;
    private int consecutiveBadCommands;
    private int commands;
    private int retrievedCount;
    private long retrievedBytes;

    /** A conversation with the client of {@code peer} (its APOP timestamp is made here, when APOP is on). */
    Pop3Conversation(Pop3Peer peer, Pop3Service service) {
        this.service = service;
        this.peer = service.settings.apop().isEmpty()
                ? peer
                : new Pop3Peer(
                        peer.sessionId(),
                        peer.client(),
                        peer.viaTrustedProxy(),
                        peer.tls(),
                        apopTimestamp(service.settings.hostname()));
    }

    /** RFC 1939 section 7: a timestamp unique to this greeting, "<pid.clock.random@host>". */
    private static String apopTimestamp(String hostname) {
        return "<" + ProcessHandle.current().pid() + "." + System.nanoTime() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@" + hostname + ">";
    }

    @Override
    public void output(OutputStream out) {
        writer = new ReplyWriter(out);
    }

    @Override
    public void greet() throws IOException {
        String text = "Poplar POP3 server ready";
        write(new Reply.Ok(peer.apopTimestamp() == null ? text : text + " " + peer.apopTimestamp()));
    }

    @Override
    public Effect consume(ByteBuffer input) throws IOException, StoreException {
        ParseResult result;
        while ((result = parser.next(input)) != null) {
            Effect effect = handle(result);
            parser.saslMode(state instanceof SessionState.Sasl); // a SASL response is framed differently
            if (effect != Effect.NONE) {
                return effect;
            }
        }
        return Effect.NONE;
    }

    private Effect handle(ParseResult result) throws IOException, StoreException {
        long started = System.nanoTime();
        commands++;
        Pop3Step step = service.dispatcher.step(peer, state, result);
        state = step.next();
        Reply reply = step.reply();
        long sent = writer.write(reply);
        String name = commandName(result);
        service.meters.command(name, reply.ok(), System.nanoTime() - started);
        if (reply instanceof Reply.Message) {
            boolean top = result instanceof ParseResult.Parsed p && p.command() instanceof Command.Top;
            service.meters.retrieved(top, sent);
            if (!top) {
                retrievedCount++;
                retrievedBytes += sent;
            }
        }
        if (reply instanceof Reply.Err err && isClientMistake(err)) {
            if (++consecutiveBadCommands >= service.settings.maxBadCommands()
                    && !(step.effect() instanceof Effect.Close)) {
                writer.write(new Reply.Err("Too many bad commands in a row, closing connection"));
                return Effect.close(CloseReason.TOO_MANY_ERRORS);
            }
        } else {
            consecutiveBadCommands = 0;
        }
        return step.effect();
    }

    private void write(Reply reply) throws IOException {
        try {
            writer.write(reply);
        } catch (StoreException e) {
            throw new IllegalStateException("a status reply reads no message", e);
        }
    }

    /** The cmd_name label: a known keyword, else "unknown" (never client text). */
    private static String commandName(ParseResult result) {
        return switch (result) {
            case ParseResult.Parsed p -> p.command().keyword().name();
            case ParseResult.SaslResponse r -> Pop3Keyword.AUTH.name();
            case ParseResult.Malformed m -> Pop3Keyword.lookup(m.keyword()) != null ? m.keyword() : "unknown";
        };
    }

    /** Protocol errors and failed logins count towards the limit; server-side trouble does not. */
    private static boolean isClientMistake(Reply.Err err) {
        return err.code() == ResponseCode.NONE || err.code() == ResponseCode.AUTH;
    }

    @Override
    public void flush() throws IOException {
        writer.flush();
    }

    /** Before login the shorter auth timeout applies; after it the RFC 1939 autologout timer. */
    @Override
    public Duration readTimeout() {
        return state instanceof Transaction ? service.settings.idleTimeout() : service.settings.authTimeout();
    }

    @Override
    public void tlsStarting() {
        parser.reset();
        parser.saslMode(false);
        state = SessionState.Authorization.start();
    }

    @Override
    public void tlsFinished(String mode, String protocol) {
        service.meters.tlsHandshake(mode, protocol != null);
        if (protocol != null) {
            peer = peer.withTls(mode + "/" + protocol);
        }
    }

    /** RFC 1939 section 3: autologout closes without a response; shutdown and kick say why. */
    @Override
    public void farewell(CloseReason reason) throws IOException {
        switch (reason) {
            case SERVER_SHUTDOWN ->
                write(new Reply.Err(ResponseCode.SYS_TEMP, "Server shutting down, try again later"));
            case KICKED -> write(new Reply.Err(ResponseCode.SYS_TEMP, "Session ended by the administrator"));
            case INTERNAL_ERROR -> write(new Reply.Err(ResponseCode.SYS_TEMP, "Internal server error, closing"));
            default -> {}
        }
    }

    @Override
    public CloseReason clientClosed() {
        return parser.hasPartialLine() ? CloseReason.CLIENT_CLOSED_MID_COMMAND : CloseReason.CLIENT_CLOSED;
    }

    @Override
    public String user() {
        return switch (state) {
            case SessionState.Authorization a -> a.user().orElse("-");
            case SessionState.Sasl s -> "-";
            case Transaction t -> t.maildrop().user();
        };
    }

    @Override
    public String state() {
        return state instanceof Transaction ? "TRANSACTION" : "AUTHORIZATION";
    }

    /** DESIGN, observability: one line per session, never a password. */
    @Override
    public void summarize(SessionLog line) {
        Transaction tx = state instanceof Transaction t ? t : null;
        line.with("user", user())
                .with("ip", peer.clientAddress())
                .with("tls", peer.tls())
                .with("commands", commands)
                .with("retr_count", retrievedCount)
                .with("retr_bytes", retrievedBytes)
                .with("dele_count", tx == null ? 0 : tx.removedCount())
                .with("dele_bytes", tx == null ? 0 : tx.removedOctets());
    }

    @Override
    public void closed(CloseReason reason, long nanos, long bytesIn, long bytesOut) {
        if (state instanceof Transaction tx) {
            tx.maildrop().close(); // releases the lease; deletes nothing
            service.userSessions.release(tx.maildrop().user());
        }
        service.meters.sessionClosed(reason, nanos, bytesIn, bytesOut);
    }
}

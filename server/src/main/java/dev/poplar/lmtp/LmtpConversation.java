package dev.poplar.lmtp;

import dev.poplar.log.SessionLog;
import dev.poplar.net.CloseReason;
import dev.poplar.session.Conversation;
import dev.poplar.session.Effect;
import dev.poplar.storage.WireMessageBuilder;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One LMTP connection between the runtime and {@link LmtpDispatcher#step}: command lines go to the
 * step function; after a 354 the input is the DATA section, which streams through the
 * {@link DataDecoder} into a {@link WireMessageBuilder} (never buffered as a whole) until its end
 * becomes one more input to the step function.
 */
final class LmtpConversation implements Conversation {
    private final LmtpPeer peer;
    private final LmtpService service;
    private final LineReader lines = new LineReader();
    private LmtpState state = LmtpState.CONNECTED;
    private LmtpWriter writer;
    /** While reading DATA: the message being built and the decoder feeding it. */
    private WireMessageBuilder builder;

    private DataDecoder decoder;
    private int delivered;
    private int rejected;

    LmtpConversation(LmtpPeer peer, LmtpService service) {
        this.peer = peer;
        this.service = service;
    }

    @Override
    public void output(OutputStream out) {
        writer = new LmtpWriter(out);
    }

    @Override
    public void greet() {
        writer.write(service.dispatcher.greeting());
    }

    @Override
    public Effect consume(ByteBuffer input) {
        while (true) {
            LmtpInput next;
            if (decoder != null) {
                if (!decoder.feed(input, builder)) {
                    return Effect.NONE; // the data goes on in the next read
                }
                next = dataEnd();
            } else {
                next = lines.next(input);
                if (next == null) {
                    return Effect.NONE;
                }
            }
            LmtpStep step = service.dispatcher.step(peer, state, next);
            step.replies().forEach(writer::write);
            delivered += step.delivered();
            rejected += step.rejected();
            state = step.next();
            if (state instanceof LmtpState.Data) {
                long max = service.settings.maxMessageSize();
                builder = new WireMessageBuilder(max);
                decoder = new DataDecoder(service.settings.maxLineLength(), discardLimit(max));
            }
            if (step.effect() != Effect.NONE) {
                return step.effect();
            }
        }
    }

    /** What the data came to, once the decoder found its end (or gave up waiting for it). */
    private LmtpInput dataEnd() {
        boolean cutOff = decoder.inputExceeded();
        LmtpInput end = builder.overflowed()
                ? new LmtpInput.TooLarge(cutOff)
                : decoder.lineTooLong() ? new LmtpInput.LineTooLong(cutOff) : new LmtpInput.Message(builder.build());
        builder = null;
        decoder = null;
        return end;
    }

    /** How far past the SIZE limit DATA is read (and dropped) while waiting for its end. */
    static long discardLimit(long maxMessageSize) {
        return maxMessageSize > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 2 * maxMessageSize + 64 * 1024;
    }

    @Override
    public void flush() throws java.io.IOException {
        writer.flush();
    }

    @Override
    public Duration readTimeout() {
        return service.settings.idleTimeout();
    }

    @Override
    public void tlsStarting() {
        throw new IllegalStateException("LMTP has no STARTTLS here: it is spoken on a trusted local socket");
    }

    @Override
    public void tlsFinished(String mode, String protocol) {
        throw new IllegalStateException("LMTP has no STARTTLS here");
    }

    @Override
    public void farewell(CloseReason reason) {
        String host = service.settings.hostname();
        switch (reason) {
            case IDLE_TIMEOUT ->
                writer.write(LmtpReply.of(421, "4.4.2 " + host + " Idle for too long, closing connection"));
            case INTERNAL_ERROR -> writer.write(LmtpReply.of(421, "4.3.0 Internal server error, closing connection"));
            case SERVER_SHUTDOWN -> writer.write(LmtpReply.of(421, "4.3.2 Server shutting down, try again later"));
            case KICKED -> writer.write(LmtpReply.of(421, "4.3.2 Session ended by the administrator"));
            default -> {}
        }
    }

    /** A client gone in the middle of DATA lost its message: the connection, not the client, ended it. */
    @Override
    public CloseReason clientClosed() {
        return decoder != null ? CloseReason.CONNECTION_LOST : CloseReason.CLIENT_CLOSED;
    }

    @Override
    public String user() {
        return "-";
    }

    @Override
    public String state() {
        return switch (state) {
            case LmtpState.Connected c -> "CONNECTED";
            case LmtpState.Ready r -> "READY";
            case LmtpState.Sender s -> "MAIL";
            case LmtpState.Recipients r -> "RCPT";
            case LmtpState.Data d -> "DATA";
        };
    }

    @Override
    public void summarize(SessionLog line) {
        line.with("ip", peer.clientAddress()).with("delivered", delivered).with("rejected", rejected);
    }

    @Override
    public void closed(CloseReason reason, long nanos, long bytesIn, long bytesOut) {
        service.meters.sessionClosed(reason);
    }
}

package dev.poplar.lmtp;

import dev.poplar.log.SessionLog;
import dev.poplar.metrics.LmtpMeters;
import dev.poplar.net.CloseReason;
import dev.poplar.net.Connection;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessage;
import dev.poplar.storage.WireMessageBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One LMTP connection (RFC 2033) on its own virtual thread:
 * LHLO, then per transaction MAIL, RCPT..., DATA, and after DATA one reply per accepted
 * recipient (RFC 2033 section 4.2). A 250 is sent only after the store returned, i.e. once the
 * message is durable (DESIGN invariant 1). Replies are flushed when the input is drained
 * (PIPELINING, RFC 2920).
 */
final class LmtpSession {
    private static final System.Logger LOG = System.getLogger("dev.poplar.lmtp");

    private final Connection connection;
    private final LmtpService service;
    private final LineReader lines = new LineReader();
    private final ByteBuffer input = ByteBuffer.allocate(16 * 1024).flip();
    private InputStream in;
    private OutputStream out;
    private final StringBuilder pending = new StringBuilder();

    private boolean greeted;
    private String sender;
    private final List<String> recipients = new ArrayList<>();
    private final List<String> accounts = new ArrayList<>();
    private int delivered;
    private int rejected;
    private CloseReason closeReason = CloseReason.CLIENT_CLOSED;

    LmtpSession(Connection connection, LmtpService service) {
        this.connection = connection;
        this.service = service;
    }

    void run() {
        long started = System.nanoTime();
        try {
            connection.socket().setSoTimeout(Math.toIntExact(service.settings.idleTimeout().toMillis()));
            in = connection.socket().getInputStream();
            out = new dev.poplar.net.WatchedOutputStream(connection.socket().getOutputStream(), connection);
            reply("220 " + service.settings.hostname() + " Poplar LMTP ready");
            loop();
        } catch (SocketTimeoutException e) {
            closeReason = CloseReason.IDLE_TIMEOUT;
            tryReply("421 4.4.2 " + service.settings.hostname() + " Idle for too long, closing connection");
        } catch (IOException e) {
            closeReason = CloseReason.CONNECTION_LOST;
        } catch (RuntimeException e) {
            closeReason = CloseReason.INTERNAL_ERROR;
            LOG.log(System.Logger.Level.ERROR, "session=" + connection.id() + " internal error", e);
            tryReply("421 4.3.0 Internal server error, closing connection");
        } finally {
            service.meters.sessionClosed(closeReason);
            LOG.log(System.Logger.Level.INFO, SessionLog.event("lmtp_session")
                    .with("session", connection.id())
                    .with("ip", connection.clientAddress())
                    .with("delivered", delivered)
                    .with("rejected", rejected)
                    .with("duration_ms", (System.nanoTime() - started) / 1_000_000)
                    .with("reason", closeReason.label())
                    .toString());
        }
    }

    private void loop() throws IOException {
        while (true) {
            String line;
            while ((line = lines.next(input)) != null) {
                if (!command(line)) {
                    flush();
                    return;
                }
            }
            if (!fill()) {
                switch (connection.interruption()) {
                    case SHUTDOWN -> {
                        closeReason = CloseReason.SERVER_SHUTDOWN;
                        reply("421 4.3.2 Server shutting down, try again later");
                    }
                    case KICKED -> {
                        closeReason = CloseReason.KICKED;
                        reply("421 4.3.2 Session ended by the administrator");
                    }
                    case WRITE_TIMEOUT, NONE -> { }
                }
                flush();
                return;
            }
        }
    }

    /** Reads more input, flushing pending replies first when no input is waiting. */
    private boolean fill() throws IOException {
        if (in.available() == 0) {
            flush();
        }
        int n = in.read(input.array(), 0, input.capacity());
        if (n < 0) {
            return false;
        }
        input.position(0).limit(n);
        return true;
    }

    /** Runs one command line; false when the session ends. */
    private boolean command(String line) throws IOException {
        if (line.equals(LineReader.TOO_LONG)) {
            reply("500 5.5.2 Line too long");
            return true;
        }
        if (hasControlCharacter(line)) {
            // A CR, NUL or other control character inside a command line would travel into the
            // stored Return-Path (header injection); only the CRLF that ends it may be there.
            reply("501 5.5.2 Control characters are not allowed in commands");
            return true;
        }
        String upper = line.toUpperCase(Locale.ROOT);
        String verb = upper.split(" ", 2)[0];
        switch (verb) {
            case "LHLO" -> lhlo(line);
            case "HELO", "EHLO" -> reply("500 5.5.1 This is an LMTP server: use LHLO (RFC 2033)");
            case "MAIL" -> mail(line, upper);
            case "RCPT" -> rcpt(line, upper);
            case "DATA" -> {
                return data();
            }
            case "RSET" -> {
                resetTransaction();
                reply("250 2.0.0 OK");
            }
            case "NOOP" -> reply("250 2.0.0 OK");
            case "VRFY" -> reply("252 2.5.2 Cannot verify, but will try delivery");
            case "QUIT" -> {
                closeReason = CloseReason.QUIT;
                reply("221 2.0.0 " + service.settings.hostname() + " closing connection");
                return false;
            }
            default -> reply("500 5.5.2 Unknown command");
        }
        return true;
    }

    private static boolean hasControlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private void lhlo(String line) {
        if (line.trim().length() <= 4) {
            reply("501 5.5.4 LHLO needs a host name");
            return;
        }
        resetTransaction();
        greeted = true;
        reply("250-" + service.settings.hostname());
        reply("250-PIPELINING");
        reply("250-ENHANCEDSTATUSCODES");
        reply("250-8BITMIME");
        reply("250 SIZE " + service.settings.maxMessageSize());
    }

    private void mail(String line, String upper) {
        if (!greeted) {
            reply("503 5.5.1 Send LHLO first");
            return;
        }
        if (sender != null) {
            reply("503 5.5.1 Nested MAIL command");
            return;
        }
        if (!upper.startsWith("MAIL FROM:")) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address> [SIZE=n] [BODY=7BIT|8BITMIME]");
            return;
        }
        Optional<Path> path = Path.parse(line.substring(10));
        if (path.isEmpty()) {
            reply("501 5.1.7 Bad sender address syntax");
            return;
        }
        for (String param : path.get().parameters()) {
            String p = param.toUpperCase(Locale.ROOT);
            if (p.startsWith("SIZE=")) {
                long size;
                try {
                    size = Long.parseLong(p.substring(5));
                } catch (NumberFormatException e) {
                    reply("501 5.5.4 Bad SIZE parameter");
                    return;
                }
                if (size > service.settings.maxMessageSize()) {
                    service.meters.recipient(LmtpMeters.Result.TOO_LARGE);
                    reply("552 5.3.4 Message size exceeds the limit of " + service.settings.maxMessageSize() + " octets");
                    return;
                }
            } else if (!p.equals("BODY=7BIT") && !p.equals("BODY=8BITMIME")) {
                reply("555 5.5.4 Unsupported parameter " + param);
                return;
            }
        }
        sender = path.get().address();
        reply("250 2.1.0 Sender OK");
    }

    private void rcpt(String line, String upper) {
        if (sender == null) {
            reply("503 5.5.1 Send MAIL first");
            return;
        }
        if (!upper.startsWith("RCPT TO:")) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }
        Optional<Path> path = Path.parse(line.substring(8));
        if (path.isEmpty() || path.get().address().isEmpty()) {
            reply("501 5.1.3 Bad recipient address syntax");
            return;
        }
        if (recipients.size() >= service.settings.maxRecipients()) {
            service.meters.recipient(LmtpMeters.Result.TOO_MANY_RECIPIENTS);
            reply("452 4.5.3 Too many recipients");
            return;
        }
        String address = path.get().address();
        Optional<String> account;
        try {
            account = Recipients.resolve(service.store, address);
        } catch (StoreException e) {
            reply("451 4.3.0 <" + address + "> Temporary lookup failure");
            return;
        }
        if (account.isEmpty()) {
            rejected++;
            service.meters.recipient(LmtpMeters.Result.UNKNOWN_USER);
            reply("550 5.1.1 <" + address + "> User unknown");
            return;
        }
        recipients.add(address);
        accounts.add(account.get());
        reply("250 2.1.5 <" + address + "> Recipient OK");
    }

    /**
     * DATA (RFC 5321 section 4.1.1.4, RFC 2033 section 4.2): the content streams into the
     * builder, which stops storing at the SIZE limit; the rest is read and dropped so that the
     * client gets its 552s in step. A client that goes on far past the limit without ending the
     * data is told so and disconnected: its input is never buffered, and never read forever.
     * Returns false when the session ends.
     */
    private boolean data() throws IOException {
        if (recipients.isEmpty()) {
            reply(sender == null ? "503 5.5.1 Send MAIL first" : "503 5.5.1 No valid recipients");
            return true;
        }
        reply("354 Start mail input; end with <CRLF>.<CRLF>");
        flush();
        long max = service.settings.maxMessageSize();
        WireMessageBuilder builder = new WireMessageBuilder(max);
        DataDecoder decoder = new DataDecoder(service.settings.maxLineLength(), discardLimit(max));
        while (!decoder.feed(input, builder)) {
            if (!fill()) {
                throw new IOException("connection closed during DATA");
            }
        }
        boolean ended = !decoder.inputExceeded();
        if (builder.overflowed()) {
            rejectAll(LmtpMeters.Result.TOO_LARGE, "552 5.3.4", "Message size exceeds the limit of " + max + " octets");
        } else if (decoder.lineTooLong()) {
            rejectAll(LmtpMeters.Result.LINE_TOO_LONG, "500 5.5.0", "Line too long: the limit is "
                    + service.settings.maxLineLength() + " octets per line");
        } else {
            deliver(builder.build());
        }
        resetTransaction();
        if (!ended) {
            closeReason = CloseReason.INPUT_TOO_LARGE;
            reply("421 4.3.0 " + service.settings.hostname() + " Too much data without an end, closing connection");
            return false;
        }
        return true;
    }

    /** How far past the SIZE limit DATA is read (and dropped) while waiting for its end. */
    static long discardLimit(long maxMessageSize) {
        return maxMessageSize > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 2 * maxMessageSize + 64 * 1024;
    }

    private void rejectAll(LmtpMeters.Result result, String code, String text) {
        for (String r : recipients) {
            rejected++;
            service.meters.recipient(result);
            reply(code + " <" + r + "> " + text);
        }
    }

    /** One atomic, synced store write for all recipients; then one reply per recipient. */
    private void deliver(WireMessage message) {
        List<Delivery> deliveries = new ArrayList<>(recipients.size());
        String returnPath = "Return-Path: <" + sender + ">\r\n";
        for (int i = 0; i < recipients.size(); i++) {
            deliveries.add(Delivery.of(accounts.get(i), returnPath + "Delivered-To: " + recipients.get(i) + "\r\n",
                    message));
        }
        List<DeliveryOutcome> outcomes;
        long started = System.nanoTime();
        try {
            outcomes = service.store.deliver(deliveries);
            service.meters.stored(message.octets(), System.nanoTime() - started);
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "session=" + connection.id() + " delivery failed: " + e.getMessage());
            String code = e.diskFull() ? "452 4.3.1" : "451 4.3.0";
            for (String r : recipients) {
                rejected++;
                service.meters.recipient(LmtpMeters.Result.FAILED);
                reply(code + " <" + r + "> Temporary failure storing the message, try again later");
            }
            return;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            String r = recipients.get(i);
            switch (outcomes.get(i)) {
                case DeliveryOutcome.Delivered d -> {
                    delivered++;
                    service.meters.recipient(LmtpMeters.Result.DELIVERED);
                    reply("250 2.0.0 <" + r + "> Saved");
                }
                case DeliveryOutcome.UnknownRecipient u -> {
                    rejected++;
                    service.meters.recipient(LmtpMeters.Result.UNKNOWN_USER);
                    reply("550 5.1.1 <" + r + "> User unknown");
                }
            }
        }
    }

    private void resetTransaction() {
        sender = null;
        recipients.clear();
        accounts.clear();
    }

    private void reply(String line) {
        pending.append(line).append("\r\n");
    }

    private void flush() throws IOException {
        if (!pending.isEmpty()) {
            out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            pending.setLength(0);
        }
    }

    private void tryReply(String line) {
        try {
            reply(line);
            flush();
        } catch (IOException ignored) {
            // going away anyway
        }
    }

    /** A reverse- or forward-path "<addr> params" (RFC 5321 section 4.1.2). */
    record Path(String address, List<String> parameters) {
        static Optional<Path> parse(String s) {
            s = s.trim();
            if (!s.startsWith("<")) {
                return Optional.empty();
            }
            int close = s.indexOf('>');
            if (close < 0) {
                return Optional.empty();
            }
            String address = s.substring(1, close);
            if (address.indexOf(' ') >= 0) {
                return Optional.empty();
            }
            List<String> params = new ArrayList<>();
            for (String p : s.substring(close + 1).trim().split(" ")) {
                if (!p.isEmpty()) {
                    params.add(p);
                }
            }
            return Optional.of(new Path(address, params));
        }
    }
}

package dev.poplar.lmtp;

import dev.poplar.config.PoplarConfig;
import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.DeliveryOutcome;
import dev.poplar.storage.DeliveryStore;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The LMTP step function (RFC 2033): {@code step(state, input) -> (replies, next state, effect)}.
 * LHLO, then per transaction MAIL, RCPT..., DATA, and after the data one reply per accepted
 * recipient (section 4.2). A 250 is sent only after the store returned, i.e. once the message is
 * durable (DESIGN invariant 1). It never touches the socket: the switches over states and
 * commands are exhaustive, and every rule is testable without a network.
 */
final class LmtpDispatcher {
    private static final System.Logger LOG = System.getLogger("dev.poplar.lmtp");

    private final Recipients recipients;
    private final DeliveryStore deliveries;
    private final PoplarConfig.Lmtp settings;
    private final PoplarConfig.Quota quota;
    /** The node's default quota, which each account's own limits override. */
    private final AccountLimits quotaDefaults;

    private final MailboxUsage usage;
    private final LmtpMeters meters;

    /** What a mailbox holds now, for the quota: the store's stats. */
    @FunctionalInterface
    interface MailboxUsage {
        dev.poplar.storage.MailboxStats stats(String account) throws StoreException;
    }

    LmtpDispatcher(
            AccountStore accounts,
            DeliveryStore deliveries,
            MailboxUsage usage,
            PoplarConfig.Lmtp settings,
            PoplarConfig.Quota quota,
            LmtpMeters meters) {
        this(Recipients.of(accounts), deliveries, usage, settings, quota, meters);
    }

    LmtpDispatcher(
            Recipients recipients,
            DeliveryStore deliveries,
            MailboxUsage usage,
            PoplarConfig.Lmtp settings,
            PoplarConfig.Quota quota,
            LmtpMeters meters) {
        this.usage = usage;
        this.quota = quota;
        this.quotaDefaults = new AccountLimits(quota.maxOctets(), quota.maxMessages(), AccountLimits.UNLIMITED);
        this.recipients = recipients;
        this.deliveries = deliveries;
        this.settings = settings;
        this.meters = meters;
    }

    LmtpReply greeting() {
        return LmtpReply.of(220, settings.hostname() + " Poplar LMTP ready");
    }

    LmtpStep step(LmtpPeer peer, LmtpState state, LmtpInput input) {
        return switch (input) {
            case LmtpInput.Line line ->
                state instanceof LmtpState.Data d
                        ? LmtpStep.reply(
                                state, 503, "5.5.1 Data expected") // the conversation feeds DATA to its decoder
                        : command(state, LmtpCommand.parse(line.text()));
            case LmtpInput.TooLong t -> LmtpStep.reply(state, 500, "5.5.2 Line too long");
            case LmtpInput.DataEnd end ->
                state instanceof LmtpState.Data d
                        ? dataEnd(peer, d.transaction(), end)
                        : LmtpStep.reply(state, 503, "5.5.1 No DATA in progress");
        };
    }

    private LmtpStep command(LmtpState state, LmtpCommand command) {
        return switch (command) {
            case LmtpCommand.Lhlo l ->
                new LmtpStep(
                        List.of(new LmtpReply(
                                250,
                                List.of(
                                        settings.hostname(),
                                        "PIPELINING",
                                        "ENHANCEDSTATUSCODES",
                                        "8BITMIME",
                                        "SIZE " + settings.maxMessageSize()))),
                        LmtpState.READY,
                        Effect.NONE,
                        0,
                        0);
            case LmtpCommand.SmtpGreeting g ->
                LmtpStep.reply(state, 500, "5.5.1 This is an LMTP server: use LHLO (RFC 2033)");
            case LmtpCommand.Mail m -> mail(state, m.line());
            case LmtpCommand.Rcpt r -> rcpt(state, r.line());
            case LmtpCommand.Data d -> data(state);
            case LmtpCommand.Rset r ->
                LmtpStep.reply(state instanceof LmtpState.Connected ? state : LmtpState.READY, 250, "2.0.0 OK");
            case LmtpCommand.Noop n -> LmtpStep.reply(state, 250, "2.0.0 OK");
            case LmtpCommand.Vrfy v -> LmtpStep.reply(state, 252, "2.5.2 Cannot verify, but will try delivery");
            case LmtpCommand.Quit q ->
                new LmtpStep(
                        List.of(LmtpReply.of(221, "2.0.0 " + settings.hostname() + " closing connection")),
                        state,
                        Effect.close(CloseReason.QUIT),
                        0,
                        0);
            case LmtpCommand.Invalid i -> LmtpStep.reply(state, i.reply());
        };
    }

    private LmtpStep mail(LmtpState state, String line) {
        switch (state) {
            case LmtpState.Connected c -> {
                return LmtpStep.reply(state, 503, "5.5.1 Send LHLO first");
            }
            case LmtpState.Sender s -> {
                return LmtpStep.reply(state, 503, "5.5.1 Nested MAIL command");
            }
            case LmtpState.Recipients r -> {
                return LmtpStep.reply(state, 503, "5.5.1 Nested MAIL command");
            }
            case LmtpState.Data d -> {
                return LmtpStep.reply(state, 503, "5.5.1 Nested MAIL command");
            }
            case LmtpState.Ready r -> {
                // the path and its parameters are checked below
            }
        }
        LmtpCommand.Path.Parsed parsed = LmtpCommand.sender(line);
        if (parsed.path() == null) {
            return LmtpStep.reply(state, parsed.error());
        }
        LmtpCommand.Path from = parsed.path();
        long announced = 0;
        for (String param : from.parameters()) {
            String p = param.toUpperCase(Locale.ROOT);
            if (p.startsWith("SIZE=")) {
                // RFC 1870 section 4: size-value ::= 1*20DIGIT; a sign is not a size.
                if (!p.substring(5).matches("[0-9]{1,20}")) {
                    return LmtpStep.reply(state, 501, "5.5.4 Bad SIZE parameter");
                }
                long size;
                try {
                    size = Long.parseLong(p.substring(5));
                } catch (NumberFormatException e) {
                    size = Long.MAX_VALUE; // 20 digits past a long: over any limit
                }
                announced = size;
                if (size > settings.maxMessageSize()) {
                    meters.recipient(LmtpMeters.Result.TOO_LARGE);
                    return LmtpStep.reply(
                            state,
                            552,
                            "5.3.4 Message size exceeds the limit of " + settings.maxMessageSize() + " octets");
                }
            } else if (!p.equals("BODY=7BIT") && !p.equals("BODY=8BITMIME")) {
                return LmtpStep.reply(state, 555, "5.5.4 Unsupported parameter " + param);
            }
        }
        return LmtpStep.reply(new LmtpState.Sender(from.address(), announced), 250, "2.1.0 Sender OK");
    }

    private LmtpStep rcpt(LmtpState state, String line) {
        LmtpState.Recipients transaction = switch (state) {
            case LmtpState.Sender s -> new LmtpState.Recipients(s.sender(), s.announcedSize(), List.of(), List.of());
            case LmtpState.Recipients r -> r;
            case LmtpState.Connected c -> null;
            case LmtpState.Ready r -> null;
            case LmtpState.Data d -> null;
        };
        if (transaction == null) {
            return LmtpStep.reply(state, 503, "5.5.1 Send MAIL first");
        }
        LmtpCommand.Path.Parsed parsed = LmtpCommand.recipient(line);
        if (parsed.path() == null) {
            return LmtpStep.reply(state, parsed.error());
        }
        LmtpCommand.Path to = parsed.path();
        if (transaction.addresses().size() >= settings.maxRecipients()) {
            meters.recipient(LmtpMeters.Result.TOO_MANY_RECIPIENTS);
            return LmtpStep.reply(state, 452, "4.5.3 Too many recipients");
        }
        String address = to.address();
        Optional<String> account;
        try {
            account = Recipients.resolve(recipients, address);
        } catch (RecipientElsewhere e) {
            // Deferred, never refused: the mailbox exists on another node (docs/scale-out.md).
            meters.recipient(LmtpMeters.Result.ELSEWHERE);
            return LmtpStep.reply(state, 451, "4.3.0 <" + address + "> " + e.reply());
        } catch (dev.poplar.directory.DirectoryException e) {
            // RFC 3463 X.4.3: directory server failure. Never a 5xx: the user may well exist.
            meters.recipient(LmtpMeters.Result.DIRECTORY_UNAVAILABLE);
            LOG.log(System.Logger.Level.WARNING, "RCPT <" + address + ">: " + e.getMessage());
            return LmtpStep.reply(state, 451, "4.4.3 <" + address + "> User directory unavailable, try again later");
        } catch (StoreException e) {
            return LmtpStep.reply(state, 451, "4.3.0 <" + address + "> Temporary lookup failure");
        }
        if (account.isEmpty()) {
            meters.recipient(LmtpMeters.Result.UNKNOWN_USER);
            return new LmtpStep(
                    List.of(LmtpReply.of(550, "5.1.1 <" + address + "> User unknown")), state, Effect.NONE, 0, 1);
        }
        Optional<LmtpReply> full;
        try {
            full = overQuota(account.get(), address, transaction.announcedSize());
        } catch (StoreException e) {
            return LmtpStep.reply(state, 451, "4.3.0 <" + address + "> Temporary lookup failure");
        }
        if (full.isPresent()) {
            return new LmtpStep(List.of(full.get()), state, Effect.NONE, 0, 1);
        }
        return LmtpStep.reply(transaction.plus(address, account.get()), 250, "2.1.5 <" + address + "> Recipient OK");
    }

    private LmtpStep data(LmtpState state) {
        return switch (state) {
            case LmtpState.Recipients r ->
                LmtpStep.reply(new LmtpState.Data(r), 354, "Start mail input; end with <CRLF>.<CRLF>");
            case LmtpState.Sender s -> LmtpStep.reply(state, 503, "5.5.1 No valid recipients");
            case LmtpState.Connected c -> LmtpStep.reply(state, 503, "5.5.1 Send MAIL first");
            case LmtpState.Ready r -> LmtpStep.reply(state, 503, "5.5.1 Send MAIL first");
            case LmtpState.Data d -> LmtpStep.reply(state, 503, "5.5.1 Send MAIL first");
        };
    }

    /**
     * The end of DATA (RFC 5321 section 4.1.1.4, RFC 2033 section 4.2): deliver, or say per
     * recipient why not. A client that went on far past the limit without ending the data is told
     * so and disconnected: its input was never buffered, and is not read forever.
     */
    private LmtpStep dataEnd(LmtpPeer peer, LmtpState.Recipients tx, LmtpInput.DataEnd end) {
        List<LmtpReply> replies = new ArrayList<>(tx.addresses().size() + 1);
        int[] tally = switch (end) {
            case LmtpInput.Message m -> deliver(peer, tx, m.message(), replies);
            case LmtpInput.TooLarge t ->
                rejectAll(
                        tx,
                        LmtpMeters.Result.TOO_LARGE,
                        552,
                        "5.3.4",
                        "Message size exceeds the limit of " + settings.maxMessageSize() + " octets",
                        replies);
            case LmtpInput.LineTooLong l ->
                rejectAll(
                        tx,
                        LmtpMeters.Result.LINE_TOO_LONG,
                        500,
                        "5.5.0",
                        "Line too long: the limit is " + settings.maxLineLength() + " octets per line",
                        replies);
        };
        if (end.cutOff()) {
            replies.add(LmtpReply.of(
                    421, "4.3.0 " + settings.hostname() + " Too much data without an end, closing connection"));
            return new LmtpStep(
                    replies, LmtpState.READY, Effect.close(CloseReason.INPUT_TOO_LARGE), tally[0], tally[1]);
        }
        return new LmtpStep(replies, LmtpState.READY, Effect.NONE, tally[0], tally[1]);
    }

    private int[] rejectAll(
            LmtpState.Recipients tx,
            LmtpMeters.Result result,
            int code,
            String status,
            String text,
            List<LmtpReply> replies) {
        for (String r : tx.addresses()) {
            meters.recipient(result);
            replies.add(LmtpReply.of(code, status + " <" + r + "> " + text));
        }
        return new int[] {0, tx.addresses().size()};
    }

    /**
     * The RCPT-time quota check (with the SIZE that MAIL announced, RFC 1870): the quota reply when
     * {@code incoming} more octets and one more message would not fit, else empty. Advisory only:
     * the store checks again in the write itself, which is what makes the quota exact.
     */
    private Optional<LmtpReply> overQuota(String account, String address, long incoming) throws StoreException {
        dev.poplar.storage.MailboxStats now = usage.stats(account).resolved(quotaDefaults);
        if (now.limits().admits(now.messages(), now.octets(), incoming)) {
            return Optional.empty();
        }
        return Optional.of(quotaReply(address));
    }

    /**
     * RFC 3463: 5.2.2 mailbox full; 4.2.2 when the operator wants the MTA to keep the message and
     * retry (Dovecot's quota_full_tempfail).
     */
    private LmtpReply quotaReply(String address) {
        meters.recipient(LmtpMeters.Result.OVER_QUOTA);
        return quota.tempfail()
                ? LmtpReply.of(452, "4.2.2 <" + address + "> Mailbox full (over its quota), try again later")
                : LmtpReply.of(552, "5.2.2 <" + address + "> Mailbox full (over its quota)");
    }

    /**
     * One atomic, synced store write; the store refuses the copies that would take a mailbox over
     * its quota in that same write. Then one reply per recipient, in their order (RFC 2033 section
     * 4.2).
     */
    private int[] deliver(LmtpPeer peer, LmtpState.Recipients tx, WireMessage message, List<LmtpReply> replies) {
        List<DeliveryOutcome> outcomes;
        try {
            outcomes = store(tx, message);
        } catch (StoreException e) {
            return storeFailed(peer, tx, e, replies);
        }
        int delivered = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            String r = tx.addresses().get(i);
            switch (outcomes.get(i)) {
                case DeliveryOutcome.Delivered d -> {
                    delivered++;
                    meters.recipient(LmtpMeters.Result.DELIVERED);
                    replies.add(LmtpReply.of(250, "2.0.0 <" + r + "> Saved"));
                }
                case DeliveryOutcome.UnknownRecipient u -> {
                    meters.recipient(LmtpMeters.Result.UNKNOWN_USER);
                    replies.add(LmtpReply.of(550, "5.1.1 <" + r + "> User unknown"));
                }
                case DeliveryOutcome.OverQuota o -> replies.add(quotaReply(r));
            }
        }
        return new int[] {delivered, outcomes.size() - delivered};
    }

    /** Every recipient's copy in one synced write. */
    private List<DeliveryOutcome> store(LmtpState.Recipients tx, WireMessage message) throws StoreException {
        List<Delivery> batch = new ArrayList<>(tx.addresses().size());
        String returnPath = "Return-Path: <" + tx.sender() + ">\r\n";
        for (int i = 0; i < tx.addresses().size(); i++) {
            batch.add(Delivery.of(
                            tx.accounts().get(i),
                            returnPath + "Delivered-To: " + tx.addresses().get(i) + "\r\n",
                            message)
                    .withQuota(quotaDefaults));
        }
        long started = System.nanoTime();
        List<DeliveryOutcome> outcomes = deliveries.deliver(batch);
        meters.stored(message.octets(), System.nanoTime() - started);
        return outcomes;
    }

    /** A store failure: a temporary reply for every recipient, nothing stored. */
    private int[] storeFailed(LmtpPeer peer, LmtpState.Recipients tx, StoreException e, List<LmtpReply> replies) {
        LOG.log(System.Logger.Level.WARNING, "session=" + peer.sessionId() + " delivery failed: " + e.getMessage());
        int code = e.diskFull() ? 452 : 451;
        String status = e.diskFull() ? "4.3.1" : "4.3.0";
        for (String r : tx.addresses()) {
            meters.recipient(LmtpMeters.Result.FAILED);
            replies.add(
                    LmtpReply.of(code, status + " <" + r + "> Temporary failure storing the message, try again later"));
        }
        return new int[] {0, tx.addresses().size()};
    }
}

package dev.poplar.pop3;

import dev.poplar.abuse.LoginDelay;
import dev.poplar.abuse.LoginGuard;
import dev.poplar.abuse.UserSessions;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.sasl.SaslExchange;
import dev.poplar.auth.sasl.SaslMechanism;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.net.CloseReason;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropInUseException;
import dev.poplar.storage.MaildropStore;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.StoreException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The ways from AUTHORIZATION into TRANSACTION: USER/PASS and APOP (RFC 1939 section 7) and SASL
 * AUTH (RFC 5034). All end in {@link #login}, which takes the maildrop lease. Each method is a
 * step: it returns the reply with the next state and changes nothing of the session itself.
 */
final class AuthorizationCommands {
    private static final System.Logger LOG = System.getLogger("dev.poplar.auth");

    private final AccountStore accounts;
    private final MaildropStore maildrops;
    private final Authenticator authenticator;
    private final SaslMechanisms mechanisms;
    private final LoginGuard guard;
    private final LoginDelay loginDelay;
    private final UserSessions userSessions;
    private final Pop3Settings settings;
    private final Pop3Meters meters;

    AuthorizationCommands(
            AccountStore accounts,
            MaildropStore maildrops,
            Authenticator authenticator,
            SaslMechanisms mechanisms,
            LoginGuard guard,
            LoginDelay loginDelay,
            UserSessions userSessions,
            Pop3Settings settings,
            Pop3Meters meters) {
        this.accounts = accounts;
        this.maildrops = maildrops;
        this.authenticator = authenticator;
        this.mechanisms = mechanisms;
        this.guard = guard;
        this.loginDelay = loginDelay;
        this.userSessions = userSessions;
        this.settings = settings;
        this.meters = meters;
    }

    java.util.List<String> advertised(Pop3Peer peer) {
        return mechanisms.advertised(plaintextAllowed(peer));
    }

    boolean plaintextAllowed(Pop3Peer peer) {
        return settings.plaintext().allows(peer.secure(), peer.loopback(), peer.viaTrustedProxy());
    }

    /** Always +OK: answering -ERR for unknown names would tell guessers which names exist. */
    Pop3Step user(Pop3Peer peer, SessionState.Authorization state, Command.User cmd) {
        if (!plaintextAllowed(peer)) {
            return Pop3Step.stay(state, plaintextRefused());
        }
        return Pop3Step.to(new SessionState.Authorization(Optional.of(cmd.user())), new Reply.Ok("Send your password"));
    }

    /** PASS always forgets the USER name: a failed PASS must be preceded by a new USER. */
    Pop3Step pass(Pop3Peer peer, SessionState.Authorization state, Command.Pass cmd) {
        if (state.user().isEmpty()) {
            return Pop3Step.stay(state, new Reply.Err("Send USER first"));
        }
        String user = state.user().get();
        SessionState.Authorization start = SessionState.Authorization.start();
        if (!plaintextAllowed(peer)) {
            return Pop3Step.to(start, plaintextRefused());
        }
        long started = System.nanoTime();
        Optional<String> account;
        try {
            account = authenticator.authenticate(user, cmd.password());
        } catch (StoreException e) {
            return Pop3Step.to(start, unavailable(peer, "user", user, e, started));
        }
        if (account.isEmpty()) {
            return failed(peer, "user", user, "bad credentials", started);
        }
        meters.auth("user", Pop3Meters.AuthResult.SUCCESS, System.nanoTime() - started);
        return login(peer, account.get());
    }

    /**
     * RFC 1939 section 7 APOP: only when enabled and only for users with an APOP secret. It sends
     * no password, so the plaintext policy does not apply.
     */
    Pop3Step apop(Pop3Peer peer, SessionState.Authorization state, Command.Apop cmd) {
        if (settings.apop().isEmpty() || peer.apopTimestamp() == null) {
            return Pop3Step.stay(state, new Reply.Err("APOP is not enabled on this server"));
        }
        long started = System.nanoTime();
        try {
            Optional<byte[]> sealed = dev.poplar.storage.AccountNames.isValid(cmd.user())
                    ? accounts.apopSecret(cmd.user())
                    : Optional.empty();
            if (sealed.isEmpty() || !settings.apop().get().matches(sealed.get(), peer.apopTimestamp(), cmd.digest())) {
                return failed(peer, "apop", cmd.user(), sealed.isEmpty() ? "no APOP secret" : "bad digest", started);
            }
        } catch (StoreException e) {
            return Pop3Step.to(SessionState.Authorization.start(), unavailable(peer, "apop", cmd.user(), e, started));
        }
        meters.auth("apop", Pop3Meters.AuthResult.SUCCESS, System.nanoTime() - started);
        return login(peer, dev.poplar.storage.AccountNames.normalize(cmd.user()));
    }

    /** RFC 5034 section 4: AUTH mechanism [initial-response]; "=" is an empty initial response. */
    Pop3Step auth(Pop3Peer peer, SessionState.Authorization state, Command.Auth cmd) {
        if (cmd.mechanism().isEmpty()) {
            java.util.List<String> names = mechanisms.advertised(plaintextAllowed(peer));
            return Pop3Step.stay(state, new Reply.MultiLine("Methods supported", sink -> {
                for (String n : names) {
                    sink.line(n);
                }
            }));
        }
        Optional<SaslMechanism> offered = mechanisms.offered(cmd.mechanism().get());
        if (offered.isEmpty()) {
            return Pop3Step.stay(
                    state,
                    new Reply.Err("Unsupported authentication mechanism "
                            + cmd.mechanism().get().toUpperCase(Locale.ROOT)));
        }
        SaslMechanism mechanism = offered.get();
        if (mechanism.sendsSecret() && !plaintextAllowed(peer)) {
            return Pop3Step.stay(state, plaintextRefused());
        }
        byte[] initial = null;
        if (cmd.initialResponse().isPresent()) {
            String ir = cmd.initialResponse().get();
            try {
                initial = ir.equals("=") ? new byte[0] : Base64.getDecoder().decode(ir);
            } catch (IllegalArgumentException e) {
                return Pop3Step.stay(state, new Reply.Err("Invalid base64 in the initial response"));
            }
        }
        SaslExchange exchange = mechanisms.start(mechanism);
        SessionState.Sasl sasl = new SessionState.Sasl(exchange, mechanism, System.nanoTime());
        try {
            return exchangeStep(peer, sasl, exchange.start(initial));
        } catch (StoreException e) {
            return Pop3Step.to(
                    SessionState.Authorization.start(),
                    unavailable(peer, mechanism.label(), "", e, sasl.startedNanos()));
        }
    }

    /** A client response during the exchange: base64, or "*" to cancel (RFC 5034 section 4). */
    Pop3Step saslResponse(Pop3Peer peer, SessionState.Sasl sasl, String line) {
        SessionState.Authorization start = SessionState.Authorization.start();
        if (line.equals("*")) {
            return Pop3Step.to(start, new Reply.Err("Authentication cancelled"));
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return Pop3Step.to(start, new Reply.Err("Invalid base64 in the SASL response"));
        }
        try {
            return exchangeStep(peer, sasl, sasl.exchange().next(data));
        } catch (StoreException e) {
            return Pop3Step.to(start, unavailable(peer, sasl.mechanism().label(), "", e, sasl.startedNanos()));
        }
    }

    private Pop3Step exchangeStep(Pop3Peer peer, SessionState.Sasl sasl, SaslExchange.Step step) {
        return switch (step) {
            case SaslExchange.Step.Challenge c ->
                Pop3Step.to(sasl, new Reply.Continue(Base64.getEncoder().encodeToString(c.data())));
            case SaslExchange.Step.Failure f ->
                failed(peer, sasl.mechanism().label(), f.user(), f.reason(), sasl.startedNanos());
            case SaslExchange.Step.Success s -> {
                meters.auth(
                        sasl.mechanism().label(),
                        Pop3Meters.AuthResult.SUCCESS,
                        System.nanoTime() - sasl.startedNanos());
                yield login(peer, s.account());
            }
        };
    }

    /**
     * The store or a user directory could not answer: no verdict on the credentials, so no
     * failure is counted against the client; [SYS/TEMP] and a log line naming the cause.
     */
    private Reply unavailable(Pop3Peer peer, String mechanism, String user, StoreException e, long startedNanos) {
        meters.auth(mechanism, Pop3Meters.AuthResult.ERROR, System.nanoTime() - startedNanos);
        logAuth("auth_unavailable", peer, user, mechanism, e.getMessage());
        return StoreErrors.reply(e);
    }

    private static void logAuth(String event, Pop3Peer peer, String user, String mechanism, String reason) {
        LOG.log(
                System.Logger.Level.WARNING,
                dev.poplar.log.SessionLog.event(event)
                        .with("session", peer.sessionId())
                        .with("ip", peer.clientAddress())
                        .with("user", user)
                        .with("mechanism", mechanism)
                        .with("reason", reason)
                        .toString());
    }

    /**
     * One log line per failure that fail2ban can match (ops/fail2ban); never the password. The
     * reply waits for the guard's growing delay (the virtual thread parks); an address that has
     * just earned a ban is disconnected.
     */
    private Pop3Step failed(Pop3Peer peer, String mechanism, String user, String reason, long startedNanos) {
        meters.auth(mechanism, Pop3Meters.AuthResult.FAILURE, System.nanoTime() - startedNanos);
        logAuth("auth_failed", peer, user, mechanism, reason);
        Duration delay = guard.failed(peer.client(), user);
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SessionState.Authorization start = SessionState.Authorization.start();
        if (guard.banned(peer.client())) {
            return Pop3Step.close(
                    start,
                    new Reply.Err(ResponseCode.AUTH, "Invalid user name or password; too many failures, closing"),
                    CloseReason.BANNED);
        }
        return Pop3Step.to(start, new Reply.Err(ResponseCode.AUTH, "Invalid user name or password"));
    }

    /**
     * The step from AUTHORIZATION to TRANSACTION once the credentials are right: LOGIN-DELAY, the
     * per-user session limit, then the maildrop lease. Any refusal stays in AUTHORIZATION
     * (RFC 1939 section 7).
     */
    private Pop3Step login(Pop3Peer peer, String account) {
        guard.succeeded(peer.client());
        SessionState.Authorization start = SessionState.Authorization.start();
        if (!userSessions.tryAcquire(account)) {
            return Pop3Step.to(
                    start, new Reply.Err(ResponseCode.SYS_TEMP, "Too many sessions for this user, try again later"));
        }
        Maildrop drop;
        try {
            drop = maildrops.openMaildrop(account, settings.lockPolicy());
        } catch (MaildropInUseException e) {
            // RFC 2449 section 8.1.2; RFC 1939 section 7: stay in AUTHORIZATION.
            userSessions.release(account);
            meters.lockConflict();
            return Pop3Step.to(start, new Reply.Err(ResponseCode.IN_USE, "Mailbox is in use by another POP3 session"));
        } catch (NoSuchAccountException e) {
            userSessions.release(account);
            return Pop3Step.to(start, new Reply.Err(ResponseCode.AUTH, "Invalid user name or password"));
        } catch (StoreException e) {
            userSessions.release(account);
            return Pop3Step.to(start, StoreErrors.reply(e));
        }
        if (!loginDelay.tryLogin(account)) {
            drop.close();
            userSessions.release(account);
            return Pop3Step.to(
                    start,
                    new Reply.Err(
                            ResponseCode.LOGIN_DELAY,
                            "Minimum time between logins is " + loginDelay.seconds() + " seconds"));
        }
        // From here the session holds the user's session slot; the runtime gives it back at close.
        Transaction tx = new Transaction(drop);
        meters.maildropAtLogin(tx.visibleCount(), tx.visibleOctets());
        return Pop3Step.to(
                tx, new Reply.Ok("Logged in, " + tx.visibleCount() + " messages (" + tx.visibleOctets() + " octets)"));
    }

    /** RFC 3206 section 4: [AUTH], saying what to do instead. */
    static Reply plaintextRefused() {
        return new Reply.Err(
                ResponseCode.AUTH, "Plaintext authentication is not allowed without TLS: use STLS or port 995");
    }
}

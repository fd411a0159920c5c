package dev.poplar.pop3;

import dev.poplar.abuse.LoginDelay;
import dev.poplar.abuse.LoginGuard;
import dev.poplar.abuse.UserSessions;
import dev.poplar.auth.Authenticator;
import dev.poplar.net.CloseReason;
import java.time.Duration;
import dev.poplar.auth.sasl.SaslExchange;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.metrics.Pop3Meters;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropInUseException;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.StoreException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The ways from AUTHORIZATION into TRANSACTION: USER/PASS (RFC 1939 section 7) and SASL AUTH
 * (RFC 5034). Both end in {@link #login}, which takes the maildrop lease.
 */
final class AuthorizationCommands {
    private static final System.Logger LOG = System.getLogger("dev.poplar.auth");

    private final MailStore store;
    private final Authenticator authenticator;
    private final SaslMechanisms mechanisms;
    private final LoginGuard guard;
    private final LoginDelay loginDelay;
    private final UserSessions userSessions;
    private final Pop3Settings settings;
    private final Pop3Meters meters;

    AuthorizationCommands(MailStore store, Authenticator authenticator, SaslMechanisms mechanisms, LoginGuard guard,
                          LoginDelay loginDelay, UserSessions userSessions, Pop3Settings settings, Pop3Meters meters) {
        this.store = store;
        this.authenticator = authenticator;
        this.mechanisms = mechanisms;
        this.guard = guard;
        this.loginDelay = loginDelay;
        this.userSessions = userSessions;
        this.settings = settings;
        this.meters = meters;
    }

    java.util.List<String> advertised(SessionContext ctx) {
        return mechanisms.advertised(plaintextAllowed(ctx));
    }

    boolean plaintextAllowed(SessionContext ctx) {
        return settings.plaintext().allows(ctx.secure(), ctx.loopback, ctx.viaTrustedProxy);
    }

    /** Always +OK: answering -ERR for unknown names would tell guessers which names exist. */
    Reply user(SessionContext ctx, Command.User cmd) {
        if (!plaintextAllowed(ctx)) {
            return plaintextRefused();
        }
        ctx.state = new SessionState.Authorization(Optional.of(cmd.user()));
        return new Reply.Ok("Send your password");
    }

    Reply pass(SessionContext ctx, SessionState.Authorization state, Command.Pass cmd) {
        if (state.user().isEmpty()) {
            return new Reply.Err("Send USER first");
        }
        String user = state.user().get();
        ctx.state = SessionState.Authorization.start();
        if (!plaintextAllowed(ctx)) {
            return plaintextRefused();
        }
        long started = System.nanoTime();
        Optional<String> account;
        try {
            account = authenticator.authenticate(user, cmd.password());
        } catch (StoreException e) {
            meters.auth("user", Pop3Meters.AuthResult.ERROR, System.nanoTime() - started);
            return StoreErrors.reply(e);
        }
        if (account.isEmpty()) {
            return failed(ctx, "user", user, "bad credentials", started);
        }
        meters.auth("user", Pop3Meters.AuthResult.SUCCESS, System.nanoTime() - started);
        return login(ctx, account.get());
    }

    /**
     * RFC 1939 section 7 APOP: only when enabled and only for users with an APOP secret. It sends
     * no password, so the plaintext policy does not apply.
     */
    Reply apop(SessionContext ctx, Command.Apop cmd) {
        if (settings.apop().isEmpty() || ctx.apopTimestamp == null) {
            return new Reply.Err("APOP is not enabled on this server");
        }
        long started = System.nanoTime();
        try {
            Optional<byte[]> sealed = dev.poplar.storage.AccountNames.isValid(cmd.user())
                    ? store.apopSecret(cmd.user()) : Optional.empty();
            if (sealed.isEmpty() || !settings.apop().get().matches(sealed.get(), ctx.apopTimestamp, cmd.digest())) {
                return failed(ctx, "apop", cmd.user(), sealed.isEmpty() ? "no APOP secret" : "bad digest", started);
            }
        } catch (StoreException e) {
            meters.auth("apop", Pop3Meters.AuthResult.ERROR, System.nanoTime() - started);
            return StoreErrors.reply(e);
        }
        meters.auth("apop", Pop3Meters.AuthResult.SUCCESS, System.nanoTime() - started);
        return login(ctx, dev.poplar.storage.AccountNames.normalize(cmd.user()));
    }

    /** RFC 5034 section 4: AUTH mechanism [initial-response]; "=" is an empty initial response. */
    Reply auth(SessionContext ctx, Command.Auth cmd) {
        if (cmd.mechanism().isEmpty()) {
            java.util.List<String> names = mechanisms.advertised(plaintextAllowed(ctx));
            return new Reply.MultiLine("Methods supported", sink -> {
                for (String n : names) {
                    sink.line(n);
                }
            });
        }
        String mechanism = cmd.mechanism().get().toUpperCase(Locale.ROOT);
        if (!mechanisms.isEnabled(mechanism)) {
            return new Reply.Err("Unsupported authentication mechanism " + mechanism);
        }
        if (SaslMechanisms.sendsSecret(mechanism) && !plaintextAllowed(ctx)) {
            return plaintextRefused();
        }
        byte[] initial = null;
        if (cmd.initialResponse().isPresent()) {
            String ir = cmd.initialResponse().get();
            try {
                initial = ir.equals("=") ? new byte[0] : Base64.getDecoder().decode(ir);
            } catch (IllegalArgumentException e) {
                return new Reply.Err("Invalid base64 in the initial response");
            }
        }
        SaslExchange exchange = mechanisms.start(mechanism).orElseThrow();
        SessionState.Sasl sasl = new SessionState.Sasl(exchange, mechanism, System.nanoTime());
        try {
            return step(ctx, sasl, exchange.start(initial));
        } catch (StoreException e) {
            ctx.state = SessionState.Authorization.start();
            meters.auth(label(mechanism), Pop3Meters.AuthResult.ERROR, System.nanoTime() - sasl.startedNanos());
            return StoreErrors.reply(e);
        }
    }

    /** A client response during the exchange: base64, or "*" to cancel. */
    Reply saslResponse(SessionContext ctx, SessionState.Sasl sasl, String line) {
        if (line.equals("*")) {
            ctx.state = SessionState.Authorization.start();
            return new Reply.Err("Authentication cancelled");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            ctx.state = SessionState.Authorization.start();
            return new Reply.Err("Invalid base64 in the SASL response");
        }
        try {
            return step(ctx, sasl, sasl.exchange().next(data));
        } catch (StoreException e) {
            ctx.state = SessionState.Authorization.start();
            meters.auth(label(sasl.mechanism()), Pop3Meters.AuthResult.ERROR, System.nanoTime() - sasl.startedNanos());
            return StoreErrors.reply(e);
        }
    }

    private Reply step(SessionContext ctx, SessionState.Sasl sasl, SaslExchange.Step step) {
        return switch (step) {
            case SaslExchange.Step.Challenge c -> {
                ctx.state = sasl;
                yield new Reply.Continue(Base64.getEncoder().encodeToString(c.data()));
            }
            case SaslExchange.Step.Failure f -> {
                ctx.state = SessionState.Authorization.start();
                yield failed(ctx, label(sasl.mechanism()), f.user(), f.reason(), sasl.startedNanos());
            }
            case SaslExchange.Step.Success s -> {
                ctx.state = SessionState.Authorization.start();
                meters.auth(label(sasl.mechanism()), Pop3Meters.AuthResult.SUCCESS, System.nanoTime() - sasl.startedNanos());
                yield login(ctx, s.account());
            }
        };
    }

    /**
     * One log line per failure that fail2ban can match (ops/fail2ban); never the password. The
     * reply waits for the guard's growing delay (the virtual thread parks); an address that has
     * just earned a ban is disconnected.
     */
    private Reply failed(SessionContext ctx, String mechanism, String user, String reason, long startedNanos) {
        meters.auth(mechanism, Pop3Meters.AuthResult.FAILURE, System.nanoTime() - startedNanos);
        LOG.log(System.Logger.Level.WARNING, dev.poplar.log.SessionLog.event("auth_failed")
                .with("session", ctx.sessionId).with("ip", ctx.clientAddress).with("user", user)
                .with("mechanism", mechanism).with("reason", reason).toString());
        Duration delay = guard.failed(ctx.clientInet, user);
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (guard.banned(ctx.clientInet)) {
            ctx.close(CloseReason.BANNED);
            return new Reply.Err(ResponseCode.AUTH, "Invalid user name or password; too many failures, closing");
        }
        return new Reply.Err(ResponseCode.AUTH, "Invalid user name or password");
    }

    /**
     * The step from AUTHORIZATION to TRANSACTION once the credentials are right: LOGIN-DELAY, the
     * per-user session limit, then the maildrop lease. Any refusal stays in AUTHORIZATION
     * (RFC 1939 section 7).
     */
    private Reply login(SessionContext ctx, String account) {
        guard.succeeded(ctx.clientInet);
        if (!userSessions.tryAcquire(account)) {
            return new Reply.Err(ResponseCode.SYS_TEMP, "Too many sessions for this user, try again later");
        }
        Maildrop drop;
        try {
            drop = store.openMaildrop(account, settings.lockPolicy());
        } catch (MaildropInUseException e) {
            // RFC 2449 section 8.1.2; RFC 1939 section 7: stay in AUTHORIZATION.
            userSessions.release(account);
            meters.lockConflict();
            return new Reply.Err(ResponseCode.IN_USE, "Mailbox is in use by another POP3 session");
        } catch (NoSuchAccountException e) {
            userSessions.release(account);
            return new Reply.Err(ResponseCode.AUTH, "Invalid user name or password");
        } catch (StoreException e) {
            userSessions.release(account);
            return StoreErrors.reply(e);
        }
        if (!loginDelay.tryLogin(account)) {
            drop.close();
            userSessions.release(account);
            return new Reply.Err(ResponseCode.LOGIN_DELAY, "Minimum time between logins is "
                    + loginDelay.seconds() + " seconds");
        }
        ctx.countedAsSessionOf = account;
        Transaction tx = new Transaction(drop);
        ctx.state = tx;
        meters.maildropAtLogin(tx.visibleCount(), tx.visibleOctets());
        return new Reply.Ok("Logged in, " + tx.visibleCount() + " messages (" + tx.visibleOctets() + " octets)");
    }

    private static String label(String mechanism) {
        return mechanism.toLowerCase(Locale.ROOT);
    }

    /** RFC 3206 section 4: [AUTH], saying what to do instead. */
    static Reply plaintextRefused() {
        return new Reply.Err(ResponseCode.AUTH, "Plaintext authentication is not allowed without TLS: use STLS or port 995");
    }
}

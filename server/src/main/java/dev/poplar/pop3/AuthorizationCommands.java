package dev.poplar.pop3;

import dev.poplar.auth.Authenticator;
import dev.poplar.metrics.Pop3Meters;
import dev.poplar.storage.Maildrop;
import dev.poplar.storage.MaildropInUseException;
import dev.poplar.storage.MailStore;
import dev.poplar.storage.NoSuchAccountException;
import dev.poplar.storage.StoreException;
import java.util.Optional;

/** USER and PASS (RFC 1939 section 7): the AUTHORIZATION state's way into TRANSACTION. */
final class AuthorizationCommands {
    private final MailStore store;
    private final Authenticator authenticator;
    private final Pop3Settings settings;
    private final Pop3Meters meters;

    AuthorizationCommands(MailStore store, Authenticator authenticator, Pop3Settings settings, Pop3Meters meters) {
        this.store = store;
        this.authenticator = authenticator;
        this.settings = settings;
        this.meters = meters;
    }

    /** Always +OK: answering -ERR for unknown names would tell guessers which names exist. */
    Reply user(SessionContext ctx, Command.User cmd) {
        if (!settings.plaintext().allows(ctx.secure(), ctx.loopback)) {
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
        if (!settings.plaintext().allows(ctx.secure(), ctx.loopback)) {
            return plaintextRefused();
        }
        Optional<String> account;
        long started = System.nanoTime();
        try {
            account = authenticator.authenticate(user, cmd.password());
        } catch (StoreException e) {
            meters.auth(Pop3Meters.AuthResult.ERROR, System.nanoTime() - started);
            return StoreErrors.reply(e);
        }
        meters.auth(account.isPresent() ? Pop3Meters.AuthResult.SUCCESS : Pop3Meters.AuthResult.FAILURE,
                System.nanoTime() - started);
        if (account.isEmpty()) {
            return new Reply.Err(ResponseCode.AUTH, "Invalid user name or password");
        }
        Maildrop drop;
        try {
            drop = store.openMaildrop(account.get(), settings.lockPolicy());
        } catch (MaildropInUseException e) {
            // RFC 2449 section 8.1.2; RFC 1939 section 7: stay in AUTHORIZATION.
            meters.lockConflict();
            return new Reply.Err(ResponseCode.IN_USE, "Mailbox is in use by another POP3 session");
        } catch (NoSuchAccountException e) {
            return new Reply.Err(ResponseCode.AUTH, "Invalid user name or password");
        } catch (StoreException e) {
            return StoreErrors.reply(e);
        }
        Transaction tx = new Transaction(drop);
        ctx.state = tx;
        meters.maildropAtLogin(tx.visibleCount(), tx.visibleOctets());
        return new Reply.Ok("Logged in, " + tx.visibleCount() + " messages (" + tx.visibleOctets() + " octets)");
    }

    /** RFC 3206 section 4: [AUTH], saying what to do instead. */
    static Reply plaintextRefused() {
        return new Reply.Err(ResponseCode.AUTH, "Plaintext authentication is not allowed without TLS: use STLS or port 995");
    }
}

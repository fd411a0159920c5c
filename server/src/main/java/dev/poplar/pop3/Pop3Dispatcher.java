package dev.poplar.pop3;

import dev.poplar.net.CloseReason;
import dev.poplar.session.Effect;

/**
 * The POP3 step function: {@code step(peer, state, input) -> (reply, next state, effect)}. It
 * decides, in one place, whether a command is valid in the current state, and runs it; it never
 * touches the socket, so every RFC 1939 / 2449 / 5034 rule is testable with no network. The nested
 * switches are exhaustive: a new command does not compile until every state says what it does
 * with it.
 */
final class Pop3Dispatcher {
    private final AuthorizationCommands authorization;
    private final TransactionCommands transaction;
    private final Capabilities capabilities;
    private final Pop3Settings settings;

    Pop3Dispatcher(
            AuthorizationCommands authorization,
            TransactionCommands transaction,
            Capabilities capabilities,
            Pop3Settings settings) {
        this.authorization = authorization;
        this.transaction = transaction;
        this.capabilities = capabilities;
        this.settings = settings;
    }

    Pop3Step step(Pop3Peer peer, SessionState state, ParseResult input) {
        return switch (state) {
            case SessionState.Authorization a ->
                switch (input) {
                    case ParseResult.Parsed p -> authorization(peer, a, p.command());
                    case ParseResult.Malformed m -> Pop3Step.stay(a, new Reply.Err(m.reason()));
                    case ParseResult.SaslResponse r -> Pop3Step.stay(a, new Reply.Err("No SASL exchange in progress"));
                };
            case SessionState.Sasl sasl ->
                switch (input) {
                    case ParseResult.SaslResponse r -> authorization.saslResponse(peer, sasl, r.line());
                    // An over-long response, or a line that is no response, ends the exchange (RFC 5034 section 4).
                    case ParseResult.Malformed m ->
                        Pop3Step.to(SessionState.Authorization.start(), new Reply.Err(m.reason()));
                    case ParseResult.Parsed p ->
                        Pop3Step.to(
                                SessionState.Authorization.start(),
                                new Reply.Err("Expected a SASL response; authentication cancelled"));
                };
            case Transaction tx ->
                switch (input) {
                    case ParseResult.Parsed p -> transaction(peer, tx, p.command());
                    case ParseResult.Malformed m -> Pop3Step.stay(tx, new Reply.Err(m.reason()));
                    case ParseResult.SaslResponse r -> Pop3Step.stay(tx, new Reply.Err("No SASL exchange in progress"));
                };
        };
    }

    private Pop3Step authorization(Pop3Peer peer, SessionState.Authorization a, Command command) {
        return switch (command) {
            case Command.User u -> authorization.user(peer, a, u);
            case Command.Pass p -> authorization.pass(peer, a, p);
            case Command.Capa c -> Pop3Step.stay(a, capa(peer, a));
            case Command.Stls s -> stls(peer, a);
            case Command.Auth au -> authorization.auth(peer, a, au);
            case Command.Apop ap -> authorization.apop(peer, a, ap);
            case Command.Quit q -> Pop3Step.close(a, new Reply.Ok("Poplar signing off"), CloseReason.QUIT);
            case Command.Stat s -> notLoggedIn(a);
            case Command.List l -> notLoggedIn(a);
            case Command.Retr r -> notLoggedIn(a);
            case Command.Dele d -> notLoggedIn(a);
            case Command.Noop n -> notLoggedIn(a);
            case Command.Rset r -> notLoggedIn(a);
            case Command.Top t -> notLoggedIn(a);
            case Command.Uidl u -> notLoggedIn(a);
        };
    }

    private Pop3Step transaction(Pop3Peer peer, Transaction tx, Command command) {
        return switch (command) {
            case Command.Stat s -> Pop3Step.stay(tx, transaction.stat(tx));
            case Command.List l -> Pop3Step.stay(tx, transaction.list(tx, l.message()));
            case Command.Uidl u -> Pop3Step.stay(tx, transaction.uidl(tx, u.message()));
            case Command.Retr r -> Pop3Step.stay(tx, transaction.retr(tx, r.message()));
            case Command.Top t -> Pop3Step.stay(tx, transaction.top(tx, t.message(), t.lines()));
            case Command.Dele d -> Pop3Step.stay(tx, transaction.dele(tx, d.message()));
            case Command.Rset r -> Pop3Step.stay(tx, transaction.rset(tx));
            case Command.Noop n -> Pop3Step.stay(tx, new Reply.Ok(""));
            case Command.Capa c -> Pop3Step.stay(tx, capa(peer, tx));
            case Command.Stls s -> Pop3Step.stay(tx, new Reply.Err("STLS is only allowed before login"));
            case Command.Quit q -> transaction.quit(tx);
            case Command.Auth au -> alreadyLoggedIn(tx);
            case Command.Apop ap -> alreadyLoggedIn(tx);
            case Command.User u -> alreadyLoggedIn(tx);
            case Command.Pass p -> alreadyLoggedIn(tx);
        };
    }

    private Reply capa(Pop3Peer peer, SessionState state) {
        boolean plaintext = authorization.plaintextAllowed(peer);
        java.util.List<String> sasl = authorization.advertised(peer);
        return new Reply.MultiLine("Capability list follows", sink -> {
            for (String line : capabilities.list(state, settings.tls().isPresent(), peer.secure(), plaintext, sasl)) {
                sink.line(line);
            }
        });
    }

    /** RFC 2595 section 4: once, in AUTHORIZATION, when TLS is configured. */
    private Pop3Step stls(Pop3Peer peer, SessionState.Authorization a) {
        if (settings.tls().isEmpty()) {
            return Pop3Step.stay(a, new Reply.Err("TLS is not available on this server"));
        }
        if (peer.secure()) {
            return Pop3Step.stay(a, new Reply.Err("TLS is already active"));
        }
        return new Pop3Step(
                new Reply.Ok("Begin TLS negotiation"), SessionState.Authorization.start(), Effect.START_TLS);
    }

    private static Pop3Step notLoggedIn(SessionState state) {
        return Pop3Step.stay(state, new Reply.Err("Not logged in: use USER and PASS first"));
    }

    private static Pop3Step alreadyLoggedIn(SessionState state) {
        return Pop3Step.stay(state, new Reply.Err("Already logged in"));
    }
}

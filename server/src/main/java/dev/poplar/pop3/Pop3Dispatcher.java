package dev.poplar.pop3;

/**
 * Decides, in one place, whether a command is valid in the current state, and runs it.
 * The nested switches are exhaustive: a new command does not compile until every state says
 * what it does with it.
 */
final class Pop3Dispatcher {
    private final AuthorizationCommands authorization;
    private final TransactionCommands transaction;
    private final Capabilities capabilities;
    private final Pop3Settings settings;

    Pop3Dispatcher(AuthorizationCommands authorization, TransactionCommands transaction, Capabilities capabilities,
                   Pop3Settings settings) {
        this.authorization = authorization;
        this.transaction = transaction;
        this.capabilities = capabilities;
        this.settings = settings;
    }

    Reply dispatch(SessionContext ctx, Command command) {
        return switch (ctx.state) {
            case SessionState.Authorization a -> switch (command) {
                case Command.User u -> authorization.user(ctx, u);
                case Command.Pass p -> authorization.pass(ctx, a, p);
                case Command.Capa c -> capa(ctx);
                case Command.Stls s -> stls(ctx);
                case Command.Auth au -> authorization.auth(ctx, au);
                case Command.Apop ap -> authorization.apop(ctx, ap);
                case Command.Quit q -> {
                    ctx.close(dev.poplar.net.CloseReason.QUIT);
                    yield new Reply.Ok("Poplar signing off");
                }
                case Command.Stat s -> notLoggedIn();
                case Command.List l -> notLoggedIn();
                case Command.Retr r -> notLoggedIn();
                case Command.Dele d -> notLoggedIn();
                case Command.Noop n -> notLoggedIn();
                case Command.Rset r -> notLoggedIn();
                case Command.Top t -> notLoggedIn();
                case Command.Uidl u -> notLoggedIn();
            };
            // The parser is in SASL mode in this state, so no command reaches here.
            case SessionState.Sasl sasl -> new Reply.Err("A SASL exchange is in progress");
            case Transaction tx -> switch (command) {
                case Command.Stat s -> transaction.stat(tx);
                case Command.List l -> transaction.list(tx, l.message());
                case Command.Uidl u -> transaction.uidl(tx, u.message());
                case Command.Retr r -> transaction.retr(tx, r.message());
                case Command.Top t -> transaction.top(tx, t.message(), t.lines());
                case Command.Dele d -> transaction.dele(ctx, tx, d.message());
                case Command.Rset r -> transaction.rset(tx);
                case Command.Noop n -> new Reply.Ok("");
                case Command.Capa c -> capa(ctx);
                case Command.Stls s -> new Reply.Err("STLS is only allowed before login");
                case Command.Auth au -> alreadyLoggedIn();
                case Command.Apop ap -> alreadyLoggedIn();
                case Command.Quit q -> transaction.quit(ctx, tx);
                case Command.User u -> alreadyLoggedIn();
                case Command.Pass p -> alreadyLoggedIn();
            };
        };
    }

    /** A line sent while a SASL exchange runs. */
    Reply saslResponse(SessionContext ctx, String line) {
        return switch (ctx.state) {
            case SessionState.Sasl sasl -> authorization.saslResponse(ctx, sasl, line);
            case SessionState.Authorization a -> new Reply.Err("No SASL exchange in progress");
            case Transaction t -> new Reply.Err("No SASL exchange in progress");
        };
    }

    private Reply capa(SessionContext ctx) {
        boolean plaintext = authorization.plaintextAllowed(ctx);
        java.util.List<String> sasl = authorization.advertised(ctx);
        return new Reply.MultiLine("Capability list follows", sink -> {
            for (String line : capabilities.list(ctx.state, settings.tls().isPresent(), ctx.secure(), plaintext, sasl)) {
                sink.line(line);
            }
        });
    }

    /** RFC 2595 section 4: once, in AUTHORIZATION, when TLS is configured. */
    private Reply stls(SessionContext ctx) {
        if (settings.tls().isEmpty()) {
            return new Reply.Err("TLS is not available on this server");
        }
        if (ctx.secure()) {
            return new Reply.Err("TLS is already active");
        }
        ctx.startTls = true;
        return new Reply.Ok("Begin TLS negotiation");
    }

    private static Reply notLoggedIn() {
        return new Reply.Err("Not logged in: use USER and PASS first");
    }

    private static Reply alreadyLoggedIn() {
        return new Reply.Err("Already logged in");
    }
}

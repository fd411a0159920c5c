package dev.poplar.pop3;

import dev.poplar.abuse.LoginPolicy;
import dev.poplar.abuse.UserSessions;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.net.Connection;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.session.LineSession;
import dev.poplar.session.SessionSettings;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.BufferPool;
import dev.poplar.storage.MaildropStore;

/** Everything a POP3 session needs, shared by all sessions of a listener. */
public final class Pop3Service implements ConnectionHandler {
    final Pop3Settings settings;
    final Pop3Dispatcher dispatcher;
    final Pop3Meters meters;
    final boolean implicitTls;
    final UserSessions userSessions;
    private final SessionSettings session;
    /** RFC 2449 section 4 keeps commands within 255 octets: 1 KiB buffers hold a pipelined batch. */
    private static final BufferPool INPUT_BUFFERS = new BufferPool(1024, 4096);

    /**
     * @param implicitTls true for the POP3S listener (RFC 8314): TLS from the first byte
     */
    public <S extends AccountStore & MaildropStore> Pop3Service(
            S store,
            Authenticator authenticator,
            SaslMechanisms mechanisms,
            LoginPolicy policy,
            Pop3Settings settings,
            Pop3Meters meters,
            boolean implicitTls) {
        this.session = new SessionSettings(
                "pop3_session",
                System.getLogger("dev.poplar.pop3"),
                settings.tls(),
                implicitTls,
                settings.authTimeout(),
                INPUT_BUFFERS);
        this.settings = settings;
        this.meters = meters;
        this.implicitTls = implicitTls;
        this.userSessions = policy.userSessions();
        this.dispatcher = new Pop3Dispatcher(
                new AuthorizationCommands(
                        store,
                        store,
                        authenticator,
                        mechanisms,
                        policy.guard(),
                        policy.loginDelay(),
                        userSessions,
                        settings,
                        meters),
                new TransactionCommands(meters),
                new Capabilities(settings.implementation(), policy.loginDelay().seconds(), settings.limits()),
                settings);
    }

    /** RFC 3206 section 5: refusals for load are [SYS/TEMP], so clients retry later. */
    @Override
    public String rejection(dev.poplar.net.Rejection why) {
        if (implicitTls) {
            return ""; // a POP3S client would read clear text as a broken handshake
        }
        return "-ERR [SYS/TEMP] "
                + switch (why) {
                    case MAX_CONNECTIONS -> "Too many connections, try again later";
                    case MAX_CONNECTIONS_PER_IP -> "Too many connections from your address, try again later";
                    case BANNED -> "Too many failed logins from your address, try again later";
                    case BAD_PROXY_HEADER -> "Bad PROXY protocol header";
                }
                + "\r\n";
    }

    @Override
    public void handle(Connection connection) {
        Pop3Peer peer = new Pop3Peer(
                connection.id(), connection.clientInetAddress(), connection.viaTrustedProxy(), Pop3Peer.CLEAR, null);
        new LineSession(connection, new Pop3Conversation(peer, this), session).run();
    }
}

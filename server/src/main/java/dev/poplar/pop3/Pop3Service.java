package dev.poplar.pop3;

import dev.poplar.auth.Authenticator;
import dev.poplar.abuse.LoginPolicy;
import dev.poplar.abuse.UserSessions;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.metrics.Pop3Meters;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.net.Connection;
import dev.poplar.storage.MailStore;

/** Everything a POP3 session needs, shared by all sessions of a listener. */
public final class Pop3Service implements ConnectionHandler {
    final Pop3Settings settings;
    final Pop3Dispatcher dispatcher;
    final Pop3Meters meters;
    final boolean implicitTls;
    final UserSessions userSessions;

    /**
     * @param implicitTls true for the POP3S listener (RFC 8314): TLS from the first byte
     */
    public Pop3Service(MailStore store, Authenticator authenticator, SaslMechanisms mechanisms, LoginPolicy policy,
                       Pop3Settings settings, Pop3Meters meters, boolean implicitTls) {
        if (implicitTls && settings.tls().isEmpty()) {
            throw new IllegalArgumentException("implicit TLS needs a certificate");
        }
        this.settings = settings;
        this.meters = meters;
        this.implicitTls = implicitTls;
        this.userSessions = policy.userSessions();
        this.dispatcher = new Pop3Dispatcher(new AuthorizationCommands(store, authenticator, mechanisms, policy.guard(),
                        policy.loginDelay(), userSessions, settings, meters),
                new TransactionCommands(meters), new Capabilities(settings.implementation(), policy.loginDelay().seconds()),
                settings);
    }

    /** RFC 3206 section 5: refusals for load are [SYS/TEMP], so clients retry later. */
    @Override
    public String rejection(dev.poplar.net.Rejection why) {
        if (implicitTls) {
            return ""; // a POP3S client would read clear text as a broken handshake
        }
        return "-ERR [SYS/TEMP] " + switch (why) {
            case MAX_CONNECTIONS -> "Too many connections, try again later";
            case MAX_CONNECTIONS_PER_IP -> "Too many connections from your address, try again later";
            case BANNED -> "Too many failed logins from your address, try again later";
            case BAD_PROXY_HEADER -> "Bad PROXY protocol header";
        } + "\r\n";
    }

    @Override
    public void handle(Connection connection) {
        new Pop3Session(connection, this).run();
    }
}

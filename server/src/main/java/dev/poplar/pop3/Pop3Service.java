package dev.poplar.pop3;

import dev.poplar.auth.Authenticator;
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

    /**
     * @param implicitTls true for the POP3S listener (RFC 8314): TLS from the first byte
     */
    public Pop3Service(MailStore store, Authenticator authenticator, SaslMechanisms mechanisms, Pop3Settings settings,
                       Pop3Meters meters, boolean implicitTls) {
        if (implicitTls && settings.tls().isEmpty()) {
            throw new IllegalArgumentException("implicit TLS needs a certificate");
        }
        this.settings = settings;
        this.meters = meters;
        this.implicitTls = implicitTls;
        this.dispatcher = new Pop3Dispatcher(new AuthorizationCommands(store, authenticator, mechanisms, settings, meters),
                new TransactionCommands(meters), new Capabilities(settings.implementation()), settings);
    }

    @Override
    public void handle(Connection connection) {
        new Pop3Session(connection, this).run();
    }
}

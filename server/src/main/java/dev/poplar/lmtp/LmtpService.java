package dev.poplar.lmtp;

import dev.poplar.metrics.LmtpMeters;
import dev.poplar.net.Connection;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.storage.MailStore;

/** Shared by all LMTP sessions of a listener. */
public final class LmtpService implements ConnectionHandler {
    final MailStore store;
    final LmtpSettings settings;
    final LmtpMeters meters;

    public LmtpService(MailStore store, LmtpSettings settings, LmtpMeters meters) {
        this.store = store;
        this.settings = settings;
        this.meters = meters;
    }

    @Override
    public String rejection(dev.poplar.net.Rejection why) {
        return "421 4.3.2 " + settings.hostname() + " " + switch (why) {
            case MAX_CONNECTIONS -> "Too many connections, try again later";
            case MAX_CONNECTIONS_PER_IP -> "Too many connections from your address, try again later";
            case BANNED -> "Access refused for now, try again later";
            case BAD_PROXY_HEADER -> "Bad PROXY protocol header";
        } + "\r\n";
    }

    @Override
    public void handle(Connection connection) {
        new LmtpSession(connection, this).run();
    }
}

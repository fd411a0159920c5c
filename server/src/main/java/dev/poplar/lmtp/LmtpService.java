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
    public void handle(Connection connection) {
        new LmtpSession(connection, this).run();
    }
}

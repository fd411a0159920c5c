package dev.poplar.lmtp;

import dev.poplar.net.Connection;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.storage.MailStore;

/** Shared by all LMTP sessions of a listener. */
public final class LmtpService implements ConnectionHandler {
    final MailStore store;
    final LmtpSettings settings;

    public LmtpService(MailStore store, LmtpSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public void handle(Connection connection) {
        new LmtpSession(connection, this).run();
    }
}

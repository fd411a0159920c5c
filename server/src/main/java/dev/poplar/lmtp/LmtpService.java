package dev.poplar.lmtp;

import dev.poplar.config.PoplarConfig;
import dev.poplar.net.Connection;
import dev.poplar.net.ConnectionHandler;
import dev.poplar.session.LineSession;
import dev.poplar.session.SessionSettings;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.BufferPool;
import dev.poplar.storage.DeliveryStore;
import dev.poplar.storage.StoreAdministration;
import java.util.Optional;

/** Shared by all LMTP sessions of a listener. */
public final class LmtpService implements ConnectionHandler {
    /** Message data arrives in bulk: 16 KiB reads, borrowed only while there is input. */
    private static final BufferPool INPUT_BUFFERS = new BufferPool(16 * 1024, 256);

    final PoplarConfig.Lmtp settings;
    final LmtpMeters meters;
    final LmtpDispatcher dispatcher;
    private final SessionSettings session;

    public <S extends AccountStore & DeliveryStore & StoreAdministration> LmtpService(
            S store, PoplarConfig.Lmtp settings, PoplarConfig.Quota quota, LmtpMeters meters) {
        this(store, Recipients.of(store), settings, quota, meters);
    }

    /** @param recipients who exists: the user directories (Authenticator#existing) */
    public <S extends DeliveryStore & StoreAdministration> LmtpService(
            S store, Recipients recipients, PoplarConfig.Lmtp settings, PoplarConfig.Quota quota, LmtpMeters meters) {
        this(store, store, recipients, settings, quota, meters);
    }

    /** @param deliveries where messages are committed (in a cluster: through the move barrier) */
    public LmtpService(
            DeliveryStore deliveries,
            StoreAdministration stats,
            Recipients recipients,
            PoplarConfig.Lmtp settings,
            PoplarConfig.Quota quota,
            LmtpMeters meters) {
        this.settings = settings;
        this.meters = meters;
        this.dispatcher = new LmtpDispatcher(recipients, deliveries, stats::stats, settings, quota, meters);
        this.session = new SessionSettings(
                "lmtp_session",
                System.getLogger("dev.poplar.lmtp"),
                Optional.empty(),
                false,
                settings.idleTimeout(),
                INPUT_BUFFERS);
    }

    @Override
    public String rejection(dev.poplar.net.Rejection why) {
        return "421 4.3.2 " + settings.hostname() + " "
                + switch (why) {
                    case MAX_CONNECTIONS -> "Too many connections, try again later";
                    case MAX_CONNECTIONS_PER_IP -> "Too many connections from your address, try again later";
                    case BANNED -> "Access refused for now, try again later";
                    case BAD_PROXY_HEADER -> "Bad PROXY protocol header";
                }
                + "\r\n";
    }

    @Override
    public void handle(Connection connection) {
        new LineSession(
                        connection,
                        new LmtpConversation(new LmtpPeer(connection.id(), connection.clientAddress()), this),
                        session)
                .run();
    }
}

package dev.poplar.server;

import dev.poplar.admin.LocalAdmin;
import dev.poplar.admin.ServerControl;
import dev.poplar.auth.Authenticator;
import dev.poplar.cluster.ClusterAdoption;
import dev.poplar.cluster.ClusterRecipients;
import dev.poplar.cluster.ClusterRouting;
import dev.poplar.cluster.ClusterUsers;
import dev.poplar.cluster.ClusterView;
import dev.poplar.cluster.EtcdClient;
import dev.poplar.cluster.MailboxMove;
import dev.poplar.cluster.MoveBarrier;
import dev.poplar.cluster.NodeInfo;
import dev.poplar.cluster.NodeRegistration;
import dev.poplar.cluster.PeerClient;
import dev.poplar.cluster.PeerEndpoint;
import dev.poplar.cluster.SocketmapService;
import dev.poplar.cluster.TransportMap;
import dev.poplar.config.PoplarConfig;
import dev.poplar.lmtp.Recipients;
import dev.poplar.net.Listener;
import dev.poplar.proxy.AuthHttpService;
import dev.poplar.proxy.OwnerRouting;
import dev.poplar.storage.AccountStore;
import dev.poplar.storage.DeliveryStore;
import dev.poplar.storage.MailStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * This node's part in a cluster (poplar.cluster.etcd; docs/scale-out.md): the directory copy,
 * the routing of logins and deliveries by owner, the node-to-node endpoint, the Postfix
 * socketmap, the membership entry and the adoption of this node's mailboxes. Built before the
 * listeners (they route through it), registered after them (the entry names their ports).
 */
final class ClusterNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");

    final String name;
    private final PoplarConfig.Cluster config;
    private final EtcdClient etcd;
    private final ClusterView view;
    private final PeerClient peers;
    private final ClusterRouting routing;
    private final MoveBarrier barrier;
    private final MailboxMove moves;
    private NodeRegistration registration;
    private Listener socketmap;

    private ClusterNode(PoplarConfig config, String name, MailStore store, ServerControl sessions) {
        this.name = name;
        this.config = config.cluster();
        Duration timeout = Duration.ofSeconds(5);
        this.etcd = new EtcdClient(this.config.etcd(), timeout);
        this.view = ClusterView.start(new EtcdClient(this.config.etcd(), timeout), timeout);
        this.peers = new PeerClient(config.nginx().authKey(), timeout);
        this.routing = new ClusterRouting(name, view, peers);
        this.barrier = new MoveBarrier(
                store,
                user -> routing.moving(user).isPresent()
                        || routing.elsewhere(user).isPresent());
        this.moves = new MailboxMove(name, etcd, view, peers, store, barrier, sessions);
    }

    /** Null for a single node. */
    static ClusterNode of(
            PoplarConfig config, String defaultName, MeterRegistry registry, MailStore store, ServerControl sessions) {
        if (config.cluster().etcd().isEmpty()) {
            return null;
        }
        ClusterNode node = new ClusterNode(
                config,
                config.cluster().node().isEmpty()
                        ? defaultName
                        : config.cluster().node(),
                store,
                sessions);
        Gauge.builder("poplar.cluster.directory.current", node.view, v -> v.current() ? 1 : 0)
                .description("1 while this node's copy of the cluster directory follows etcd (its watch is connected)")
                .register(registry);
        Gauge.builder(
                        "poplar.cluster.directory.users",
                        node.view,
                        v -> v.usersPerNode().getOrDefault(node.name, 0L))
                .description("Users the cluster directory places on this node")
                .register(registry);
        return node;
    }

    OwnerRouting routing() {
        return routing;
    }

    Recipients recipients(Recipients here) {
        return new ClusterRecipients(here, routing);
    }

    AuthHttpService.PeerCalls peerCalls(Authenticator authenticator, LocalAdmin admin) {
        return new PeerEndpoint(name, view, authenticator, admin.here, moves);
    }

    /** LMTP's commits, held back for mailboxes being moved. */
    DeliveryStore deliveries() {
        return barrier;
    }

    void placeUsers(LocalAdmin admin) {
        admin.placeUsersWith(new ClusterUsers(name, etcd, view, peers));
    }

    /** Enters the membership, starts the socketmap, and lists this node's mailboxes in the directory. */
    void join(NodeInfo info, AccountStore store, MeterRegistry registry, Duration writeTimeout) throws IOException {
        if (config.socketmapPort() > 0) {
            socketmap = Listener.start(
                    "socketmap",
                    new InetSocketAddress(config.socketmapHost(), config.socketmapPort()),
                    64,
                    new SocketmapService(new TransportMap(view)),
                    dev.poplar.proxy.AuthHttpService.OBSERVER,
                    writeTimeout);
        }
        registration = NodeRegistration.start(etcd, name, info.toJson(), config.leaseTtl());
        Gauge.builder("poplar.cluster.registered", registration, x -> x.registered() ? 1 : 0)
                .description("1 while this node's entry is in the cluster membership (etcd)")
                .register(registry);
        Thread.ofVirtual().name("poplar-cluster-adopt").start(() -> adopt(store));
    }

    boolean draining(String node) {
        return view.draining(node);
    }

    int liveNodes() {
        return view.nodes().size();
    }

    int socketmapPort() {
        return socketmap == null ? 0 : socketmap.port();
    }

    private void adopt(AccountStore store) {
        try {
            long n = ClusterAdoption.run(store, etcd, view, name);
            if (n > 0) {
                LOG.log(System.Logger.Level.INFO, "cluster_adopted mailboxes=" + n + " node=" + name);
            }
        } catch (IOException | dev.poplar.storage.StoreException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cluster: listing this node's mailboxes in the directory stopped (" + e.getMessage()
                            + "); it is tried again at the next start");
        }
    }

    /** Leaves the membership at once: routers stop sending users here while sessions drain. */
    void leave() {
        if (registration != null) {
            registration.close();
        }
    }

    @Override
    public void close() {
        leave();
        if (socketmap != null) {
            socketmap.close();
        }
        view.close();
        etcd.close();
    }
}

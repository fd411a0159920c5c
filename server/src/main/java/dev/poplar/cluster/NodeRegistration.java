package dev.poplar.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's entry in the cluster's membership (/poplar/nodes/NAME in etcd), held by a lease:
 * renewed every third of its TTL by a background thread, so a node that dies (or loses etcd for
 * longer than the TTL) disappears from the membership by itself, and a clean shutdown revokes it
 * at once. When a renewal finds the lease gone (etcd restarted, a long partition), the entry is
 * written again under a new lease.
 */
public final class NodeRegistration implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");
    /** The membership's key prefix. */
    public static final String NODES = "/poplar/nodes/";

    private final EtcdClient etcd;
    private final String key;
    private final String value;
    private final Duration ttl;
    private final AtomicLong lease = new AtomicLong();
    private final AtomicBoolean registered = new AtomicBoolean();
    /** A failure was logged since the last success: one line per outage, not per retry. */
    private final AtomicBoolean warned = new AtomicBoolean();

    private volatile boolean stopped;
    private final Thread keeper;

    private NodeRegistration(EtcdClient etcd, String name, String value, Duration ttl) {
        this.etcd = etcd;
        this.key = NODES + name;
        this.value = value;
        this.ttl = ttl;
        this.keeper = Thread.ofVirtual().name("poplar-cluster-lease").unstarted(this::keepAlive);
    }

    /**
     * Registers now if etcd answers (else keeps trying in the background: the node serves its own
     * users either way) and keeps the entry alive.
     *
     * @param value what other nodes and the CLI read: this node's addresses, as JSON
     */
    public static NodeRegistration start(EtcdClient etcd, String name, String value, Duration ttl) {
        NodeRegistration r = new NodeRegistration(etcd, name, value, ttl);
        r.register();
        r.keeper.start();
        return r;
    }

    /** True while this node's entry is in etcd, as far as the last renewal knows. */
    public boolean registered() {
        return registered.get();
    }

    private void register() {
        try {
            long id = etcd.grantLease(Math.max(1, ttl.toSeconds()));
            etcd.put(key, value, id);
            lease.set(id);
            registered.set(true);
            warned.set(false);
            LOG.log(System.Logger.Level.INFO, "cluster_registered key=" + key + " ttl=" + ttl.toSeconds() + "s");
        } catch (IOException e) {
            registered.set(false);
            unregistered(e);
        }
    }

    private void unregistered(IOException e) {
        if (!warned.getAndSet(true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    dev.poplar.log.SessionLog.event("cluster_unregistered")
                            .with("key", key)
                            .with("reason", e.getMessage())
                            .toString());
        }
    }

    private void keepAlive() {
        long period = Math.max(200, ttl.toMillis() / 3);
        while (!stopped) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (stopped) {
                return;
            }
            try {
                if (!registered.get() || !etcd.keepAlive(lease.get())) {
                    register();
                }
            } catch (IOException e) {
                registered.set(false);
                unregistered(e);
            }
        }
    }

    /** Stops renewing without revoking: what a crash looks like to the cluster (tests). */
    void abandon() {
        stopped = true;
        keeper.interrupt();
    }

    /** Leaves the membership at once (a clean shutdown). */
    @Override
    public void close() {
        abandon();
        try {
            keeper.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (registered.getAndSet(false)) {
            try {
                etcd.revoke(lease.get());
            } catch (IOException e) {
                // etcd is away: the lease expires within its TTL anyway.
            }
        }
    }
}

package dev.poplar.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's copy of the cluster's directory in etcd: which node owns each user
 * (/poplar/users/NAME = node name) and which nodes are alive (/poplar/nodes/NAME, under their
 * leases). Read once in pages, then kept current by one watch on /poplar/; logins and deliveries
 * are answered from this copy, so a short etcd outage stops nothing but user creation and moves
 * (which go to etcd itself). After an outage the watch resumes from the revision after the last
 * change seen; when etcd has compacted that history away, everything is read again.
 */
public final class ClusterView implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");
    public static final String PREFIX = "/poplar/";
    /** A user's owner: /poplar/users/NAME holds the node's name. */
    public static final String USERS = PREFIX + "users/";
    /** A move in progress: /poplar/moving/NAME holds the target node's name. */
    public static final String MOVING = PREFIX + "moving/";
    /** A node being drained: /poplar/draining/NAME exists; new users are not placed there. */
    public static final String DRAINING = PREFIX + "draining/";

    private static final int PAGE = 10_000;

    private final EtcdClient etcd;
    /** Replaced whole by a reload; changed entry by entry by the watch and by this node's own writes. */
    private volatile Contents contents = new Contents();
    /** Node names, shared by every user entry that names them (a million users, a few strings). */
    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();

    private final AtomicLong revision = new AtomicLong();
    private final AtomicBoolean watching = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread watcher;
    private volatile boolean stopped;

    private ClusterView(EtcdClient etcd) {
        this.etcd = etcd;
        this.watcher = Thread.ofVirtual().name("poplar-cluster-watch").unstarted(this::run);
    }

    /** Starts reading; waits up to {@code firstLoad} for the first full copy (not an error if it does not come). */
    public static ClusterView start(EtcdClient etcd, Duration firstLoad) {
        ClusterView v = new ClusterView(etcd);
        v.watcher.start();
        try {
            v.loaded.await(firstLoad.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return v;
    }

    /** True once a full copy was read (the copy may be stale while {@link #current()} is false). */
    public boolean loaded() {
        return loaded.getCount() == 0;
    }

    /** True while the watch is connected: the copy follows etcd. */
    public boolean current() {
        return watching.get();
    }

    /** The owner of {@code user}, as far as this copy knows. */
    public Optional<String> owner(String user) {
        return Optional.ofNullable(contents.owners.get(user));
    }

    /** The node {@code user}'s mailbox is being moved to, while a move is in progress. */
    public Optional<String> movingTo(String user) {
        Map<String, String> moving = contents.moving;
        return moving.isEmpty() ? Optional.empty() : Optional.ofNullable(moving.get(user));
    }

    /** True while node {@code name} is being drained (no new users). */
    public boolean draining(String name) {
        return contents.draining.contains(name);
    }

    /** The live node {@code name}, if it is registered now. */
    public Optional<NodeInfo> node(String name) {
        return Optional.ofNullable(contents.nodes.get(name));
    }

    /** Every live node, by name. */
    public Map<String, NodeInfo> nodes() {
        return new TreeMap<>(contents.nodes);
    }

    /** The users node {@code node} owns, sorted. */
    public java.util.List<String> usersOf(String node) {
        return contents.owners.entrySet().stream()
                .filter(e -> e.getValue().equals(node))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /**
     * How many users each node owns (live or not), by node name: kept as entries change, so a
     * scrape or a placement costs the number of nodes, not of users.
     */
    public Map<String, Long> usersPerNode() {
        Contents c = contents;
        Map<String, Long> out = new TreeMap<>();
        c.nodes.keySet().forEach(n -> out.put(n, 0L));
        c.counts.forEach((n, count) -> {
            if (count.get() > 0) {
                out.put(n, count.get());
            }
        });
        return out;
    }

    /** Records a move this node starts or ends itself, before the watch brings it back. */
    void assumeMoving(String user, String target) {
        contents.apply(MOVING + user, target);
    }

    /** Records a change this node made itself, before the watch brings it back. */
    void assume(String user, String owner) {
        contents.apply(USERS + user, owner);
    }

    private void run() {
        long backoff = 100;
        while (!stopped) {
            try {
                if (!loaded() || revision.get() == 0) {
                    reload();
                }
                watching.set(true);
                if (warned.getAndSet(false)) {
                    LOG.log(System.Logger.Level.INFO, "cluster_directory_current revision=" + revision.get());
                }
                backoff = 100;
                etcd.watch(PREFIX, revision.get() + 1, this::apply);
            } catch (EtcdClient.Compacted e) {
                revision.set(0); // read everything again
            } catch (IOException | RuntimeException e) {
                watching.set(false);
                if (stopped) {
                    return;
                }
                if (!warned.getAndSet(true)) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            dev.poplar.log.SessionLog.event("cluster_directory_stale")
                                    .with("reason", String.valueOf(e.getMessage()))
                                    .with("users", contents.owners.size())
                                    .toString());
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 2_000);
            }
            watching.set(false);
        }
    }

    /**
     * Reads /poplar/ in pages at one revision and replaces the copy with it. A change this node
     * assumed meanwhile is not lost: etcd had it before it was assumed, so either this read or the
     * watch from its revision brings it.
     */
    private void reload() throws IOException {
        Contents fresh = new Contents();
        long at = 0;
        String from = PREFIX;
        while (true) {
            EtcdClient.Page page = etcd.page(PREFIX, from, PAGE, at);
            at = page.revision();
            String lastKey = null;
            for (Map.Entry<String, String> e : page.entries().entrySet()) {
                lastKey = e.getKey();
                fresh.apply(e.getKey(), e.getValue());
            }
            if (!page.more() || lastKey == null) {
                break;
            }
            from = lastKey + "\0";
        }
        contents = fresh;
        revision.set(at);
        loaded.countDown();
    }

    private void apply(EtcdClient.Event e) {
        contents.apply(e.key(), e.value());
        revision.accumulateAndGet(e.revision(), Math::max);
    }

    /** One copy of /poplar/, with the users per node counted as owners change. */
    private final class Contents {
        final ConcurrentHashMap<String, String> owners = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, NodeInfo> nodes = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, String> moving = new ConcurrentHashMap<>();
        final java.util.Set<String> draining = ConcurrentHashMap.newKeySet();

        /** A key written ({@code value}) or deleted (null). */
        void apply(String key, String value) {
            if (key.startsWith(USERS)) {
                setOwner(key.substring(USERS.length()), value == null ? null : names.computeIfAbsent(value, n -> n));
            } else if (key.startsWith(MOVING)) {
                String user = key.substring(MOVING.length());
                if (value == null) {
                    moving.remove(user);
                } else {
                    moving.put(user, value);
                }
            } else if (key.startsWith(DRAINING)) {
                String node = key.substring(DRAINING.length());
                if (value == null) {
                    draining.remove(node);
                } else {
                    draining.add(node);
                }
            } else if (key.startsWith(NodeRegistration.NODES)) {
                String node = key.substring(NodeRegistration.NODES.length());
                if (value == null) {
                    nodes.remove(node);
                    return;
                }
                try {
                    nodes.put(node, NodeInfo.fromJson(value));
                } catch (IllegalArgumentException bad) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "cluster: unreadable node entry " + key + ": " + bad.getMessage());
                }
            }
        }

        /** Atomically per user, so the counts follow every change of owner exactly once. */
        private void setOwner(String user, String node) {
            owners.compute(user, (u, previous) -> {
                if (previous != null) {
                    counts.get(previous).decrementAndGet();
                }
                if (node != null) {
                    counts.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
                }
                return node;
            });
        }
    }

    @Override
    public void close() {
        stopped = true;
        watcher.interrupt();
        etcd.close(); // ends the watch's stream
    }
}

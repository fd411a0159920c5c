package dev.poplar.cluster;

import dev.poplar.storage.AccountStore;
import dev.poplar.storage.StoreException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * At start-up a node lists its own mailboxes that the cluster directory does not know (a single
 * node joining a cluster, users created while etcd was away), each as a create-if-absent, so the
 * directory never moves an owner. A name another node already owns is logged as a conflict for
 * the operator: two mailboxes, one name, only the directory's owner is served.
 */
public final class ClusterAdoption {
    private static final System.Logger LOG = System.getLogger("dev.poplar.cluster");
    private static final int PAGE = 1_000;

    private ClusterAdoption() {}

    /** @return how many mailboxes were added to the directory */
    public static long run(AccountStore store, EtcdClient etcd, ClusterView view, String self)
            throws StoreException, IOException {
        if (!view.loaded()) {
            throw new IOException("the cluster directory was not read yet");
        }
        long adopted = 0;
        String after = null;
        while (true) {
            List<String> names = store.accountNames("", after, PAGE);
            for (String name : names) {
                Optional<String> owner = view.owner(name);
                if (owner.isPresent() && owner.get().equals(self)) {
                    continue;
                }
                String key = ClusterView.USERS + name;
                if (owner.isEmpty() && etcd.createIfAbsent(key, self)) {
                    view.assume(name, self);
                    adopted++;
                    continue;
                }
                String other = owner.isPresent() ? owner.get() : etcd.get(key).orElse("?");
                if (!other.equals(self)) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            dev.poplar.log.SessionLog.event("cluster_conflict")
                                    .with("user", name)
                                    .with("owner", other)
                                    .with("reason", "this node has a mailbox of that name too; it is not served")
                                    .toString());
                }
            }
            if (names.size() < PAGE) {
                return adopted;
            }
            after = names.getLast();
        }
    }
}

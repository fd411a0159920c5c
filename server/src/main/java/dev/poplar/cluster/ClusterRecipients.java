package dev.poplar.cluster;

import dev.poplar.lmtp.RecipientElsewhere;
import dev.poplar.lmtp.Recipients;
import dev.poplar.storage.StoreException;
import java.util.Optional;

/**
 * LMTP recipients in a cluster: a user the directory places on another node is deferred with
 * its owner named ({@link RecipientElsewhere}), never delivered here (the owner's copy is the
 * mailbox) nor refused (it exists); every other name is this node's to answer.
 */
public final class ClusterRecipients implements Recipients {
    private final Recipients here;
    private final ClusterRouting routing;

    public ClusterRecipients(Recipients here, ClusterRouting routing) {
        this.here = here;
        this.routing = routing;
    }

    @Override
    public Optional<String> account(String name) throws StoreException {
        if (!routing.ready()) {
            // Started while etcd was away: who owns whom is unknown, so nothing is taken or refused.
            throw new StoreException("the cluster directory has not been read from etcd yet", true, null);
        }
        Optional<String> target = routing.moving(name);
        if (target.isPresent()) {
            throw new RecipientElsewhere(target.get(), true);
        }
        Optional<String> owner = routing.elsewhere(name);
        if (owner.isPresent()) {
            throw new RecipientElsewhere(owner.get(), false);
        }
        return here.account(name);
    }
}

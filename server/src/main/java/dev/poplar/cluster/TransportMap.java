package dev.poplar.cluster;

import java.util.Optional;

/**
 * Postfix's transport_maps answer for a recipient (socketmap:inet:HOST:PORT:NAME): the owner's
 * LMTP listener, "lmtp:inet:HOST:PORT", so Postfix delivers straight to the node that holds the
 * mailbox and keeps the message queued (retrying) while that node is down. Keys are what Postfix
 * asks: the whole address, then the domain (not ours: not found). The user is the whole address
 * if the directory has it, else its local part, as LMTP's recipients.
 */
public final class TransportMap {
    /** One socketmap reply: "OK value", "NOTFOUND ", "TEMP reason" (Postfix defers the mail). */
    public record Reply(String status, String value) {
        public String payload() {
            return status + " " + value;
        }
    }

    private final ClusterView view;

    public TransportMap(ClusterView view) {
        this.view = view;
    }

    public Reply lookup(String key) {
        if (!view.loaded()) {
            return new Reply("TEMP", "the cluster directory has not been read from etcd yet");
        }
        int at = key.lastIndexOf('@');
        if (at <= 0) {
            return new Reply("NOTFOUND", "");
        }
        // The whole address if the directory has it, else its local part (as LMTP's recipients).
        String user = ClusterRouting.key(key);
        if (view.owner(user).isEmpty()) {
            user = ClusterRouting.key(key.substring(0, at));
        }
        Optional<String> owner = view.owner(user);
        if (owner.isEmpty()) {
            return new Reply("NOTFOUND", "");
        }
        if (view.movingTo(user).isPresent()) {
            return new Reply("TEMP", "the mailbox is being moved");
        }
        Optional<HostPort> lmtp = view.node(owner.get()).flatMap(n -> HostPort.parse(n.lmtp()));
        if (lmtp.isEmpty()) {
            return new Reply("TEMP", "node " + owner.get() + " is not registered with an LMTP listener");
        }
        String host = lmtp.get().host().contains(":")
                ? "[" + lmtp.get().host() + "]"
                : lmtp.get().host();
        return new Reply("OK", "lmtp:inet:" + host + ":" + lmtp.get().port());
    }
}

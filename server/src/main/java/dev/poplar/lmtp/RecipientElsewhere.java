package dev.poplar.lmtp;

import dev.poplar.storage.StoreException;

/**
 * In a cluster: the recipient's mailbox is on another node. The delivery is deferred (451), never
 * refused: the MTA should route by the owner (Postfix: Poplar's socketmap, docs/scale-out.md).
 */
public final class RecipientElsewhere extends StoreException {
    private final String node;

    public RecipientElsewhere(String node) {
        super("mailbox is on node " + node, true, null);
        this.node = node;
    }

    public String node() {
        return node;
    }
}

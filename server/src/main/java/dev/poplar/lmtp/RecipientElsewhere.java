package dev.poplar.lmtp;

import dev.poplar.storage.StoreException;

/**
 * In a cluster: the recipient's mailbox is on another node. The delivery is deferred (451), never
 * refused: the MTA should route by the owner (Postfix: Poplar's socketmap, docs/scale-out.md).
 */
public final class RecipientElsewhere extends StoreException {
    private final String node;
    private final boolean moving;

    /** @param moving true while the mailbox is being moved to {@code node} */
    public RecipientElsewhere(String node, boolean moving) {
        super(moving ? "mailbox is being moved to node " + node : "mailbox is on node " + node, true, null);
        this.node = node;
        this.moving = moving;
    }

    public String node() {
        return node;
    }

    /** The reply text after the address. */
    public String reply() {
        return moving ? "Mailbox is being moved, try again later" : "Mailbox is on node " + node + ", deliver there";
    }
}

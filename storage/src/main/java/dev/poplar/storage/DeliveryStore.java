package dev.poplar.storage;

import java.util.List;

/** The delivery side of the store: LMTP, the admin API's deliver, import and migration. */
public interface DeliveryStore {

    /**
     * Delivers one message to several mailboxes in one atomic, synced write; each recipient
     * gets its own copy with its own prefix header lines (e.g. Delivered-To).
     * Outcomes are in the order of {@code deliveries}.
     */
    List<DeliveryOutcome> deliver(List<Delivery> deliveries) throws StoreException;
}

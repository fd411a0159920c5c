package dev.poplar.storage;

/** The POP3 side of the store: one leased maildrop per logged-in session. */
public interface MaildropStore {

    /**
     * Takes the maildrop lease and a snapshot of the mailbox (RFC 1939 section 8: the maildrop
     * is locked from PASS until QUIT). Under {@link LockPolicy#EXCLUSIVE} a second open fails
     * with {@link MaildropInUseException}; deliveries go on while the lease is held.
     */
    Maildrop openMaildrop(String name, LockPolicy policy) throws StoreException;
}

package dev.poplar.admin;

/**
 * Where a new user's mailbox goes and who forgets a deleted one: this node alone, or the cluster
 * (dev.poplar.cluster.ClusterUsers: the node the placement rule names, recorded in etcd).
 */
public interface UserPlacement {
    /** Creates or deletes a user on this node's store only. */
    interface Here {
        void create(String name, String password) throws AdminException;

        /** False when there was no such user here. */
        boolean delete(String name) throws AdminException;

        /** Creates a user moved from another node, with its credentials and limits as they were. */
        void createCopy(String name, AccountCopy copy) throws AdminException;

        /** Stores one moved message with its UIDL and date; false when the mailbox had that UIDL. */
        boolean append(String name, AdminOperations.MigratedMessage message) throws AdminException;

        /** Every message's UIDL, size and SHA-256 of its stored form, in order. */
        java.util.List<AdminOperations.MessageSummary> digests(String name) throws AdminException;
    }

    /** What moves with a mailbox besides its messages. */
    record AccountCopy(
            dev.poplar.storage.PasswordCredentials credentials,
            String importedHash,
            dev.poplar.storage.AccountLimits limits) {}

    void add(String name, String password, Here here) throws AdminException;

    void delete(String name, Here here) throws AdminException;

    /** A single node: every user is this node's. */
    UserPlacement SINGLE_NODE = new UserPlacement() {
        @Override
        public void add(String name, String password, Here here) throws AdminException {
            here.create(name, password);
        }

        @Override
        public void delete(String name, Here here) throws AdminException {
            if (!here.delete(name)) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "no such user: " + name);
            }
        }
    };
}

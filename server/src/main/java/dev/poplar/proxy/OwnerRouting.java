package dev.poplar.proxy;

import java.net.InetAddress;

/**
 * Where a user's mailbox is served and who checks the password: this node (a single node, or
 * the user is this node's), another node of the cluster (which verifies the credentials itself
 * before nginx is sent there), or nowhere for now (its node is down, the directory is away).
 */
public interface OwnerRouting {
    /** The route for {@code user} (a login name as the client typed it). */
    Route route(String user);

    /** Has the owner check the credentials; only for a {@link Remote} route. */
    Verdict verify(Remote owner, String user, String password, InetAddress client);

    sealed interface Route permits Local, Remote, Unavailable {}

    /** This node verifies and serves. */
    record Local() implements Route {}

    /** Node {@code node} owns the mailbox; nginx reaches its POP3 listener at host:port. */
    record Remote(String node, String host, int port, String peer) implements Route {}

    /** Nobody can serve the user now: {@code why} is for the log. */
    record Unavailable(String why) implements Route {}

    enum Verdict {
        ACCEPTED,
        REJECTED,
        UNAVAILABLE
    }

    /** A node outside any cluster: every user is this node's. */
    OwnerRouting SINGLE_NODE = new OwnerRouting() {
        @Override
        public Route route(String user) {
            return new Local();
        }

        @Override
        public Verdict verify(Remote owner, String user, String password, InetAddress client) {
            return Verdict.UNAVAILABLE;
        }
    };
}

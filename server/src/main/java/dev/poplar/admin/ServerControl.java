package dev.poplar.admin;

import dev.poplar.net.SessionView;
import java.util.List;

/** What only a running server can do: list and end live sessions, and drain. */
public interface ServerControl {
    List<SessionView> sessions();

    /** Ends the session with this id; false when there is none. */
    boolean kickSession(String id);

    /** Ends every session of this user; returns how many. */
    int kickUser(String user);

    /** Stops accepting POP3 and LMTP connections and reports not ready; live sessions go on. */
    DrainStatus drain();

    DrainStatus drainStatus();

    record DrainStatus(boolean draining, int sessions) {}

    /**
     * Forgets what the LDAP and SQL directories' caches remember about one login, or everything
     * (empty); returns how many entries went.
     */
    default int flushDirectoryCache(java.util.Optional<String> login) {
        return 0;
    }

    /** The CLI on a stopped node: there is no server to ask. */
    ServerControl NONE = new ServerControl() {
        @Override
        public List<SessionView> sessions() {
            return List.of();
        }

        @Override
        public boolean kickSession(String id) {
            return false;
        }

        @Override
        public int kickUser(String user) {
            return 0;
        }

        @Override
        public DrainStatus drain() {
            return new DrainStatus(false, 0);
        }

        @Override
        public DrainStatus drainStatus() {
            return new DrainStatus(false, 0);
        }
    };
}

package dev.poplar.directory.ldap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How Poplar finds and checks users in LDAP (poplar.ldap.*; docs/directories.md).
 *
 * @param servers        tried in order (failover); {@code ldaps://} ones speak TLS from the start
 * @param startTls       upgrade {@code ldap://} connections with StartTLS (RFC 4513 section 3)
 * @param caFile         PEM certificates to trust; empty: the JDK's trust store. The server's name
 *                       is checked against its certificate either way
 * @param bindDn         the service account that searches ("" for anonymous searches)
 * @param bindPassword   its password
 * @param base           where users are searched, with their subtree
 * @param userFilter     the search filter, with %u, %n, %d (values escaped, RFC 4515)
 * @param check          how the password is checked
 * @param attributes     what the user's entry says besides existence
 * @param poolSize       most connections held to the directory (searches; as many again for binds)
 * @param timeout        connect, response and pool-wait limit of one operation
 */
public record LdapSettings(
        List<Server> servers,
        boolean startTls,
        Optional<Path> caFile,
        String bindDn,
        String bindPassword,
        String base,
        String userFilter,
        PasswordCheck check,
        Attributes attributes,
        int poolSize,
        Duration timeout) {

    public LdapSettings {
        servers = List.copyOf(servers);
    }

    /** Without the password: settings end up in logs and exception messages. */
    @Override
    public String toString() {
        return "LdapSettings[servers=" + servers + ", startTls=" + startTls + ", bindDn=" + bindDn + ", base=" + base
                + ", userFilter=" + userFilter + ", check=" + check + ", bindPassword=(" + bindPassword.length()
                + " characters)]";
    }

    /** One server of poplar.ldap.uri. */
    public record Server(String host, int port, boolean ldaps) {
        /** {@code ldap://host[:port]} or {@code ldaps://host[:port]}; IPv6 literals in brackets. */
        public static Server parse(String uri) {
            String u = uri.strip();
            boolean ldaps;
            if (u.regionMatches(true, 0, "ldaps://", 0, 8)) {
                ldaps = true;
                u = u.substring(8);
            } else if (u.regionMatches(true, 0, "ldap://", 0, 7)) {
                ldaps = false;
                u = u.substring(7);
            } else {
                throw new IllegalArgumentException("'" + uri + "' is not an ldap:// or ldaps:// URI");
            }
            if (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            String host = u;
            int port = ldaps ? 636 : 389;
            int colon = u.lastIndexOf(':');
            if (colon > 0 && colon > u.lastIndexOf(']')) {
                host = u.substring(0, colon);
                try {
                    port = Integer.parseInt(u.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + uri + "' has a port that is not a number");
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("'" + uri + "' has a port outside 1-65535");
                }
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || host.contains("/")) {
                throw new IllegalArgumentException("'" + uri + "' names no host (ldap://host:port)");
            }
            return new Server(host, port, ldaps);
        }
    }

    /** poplar.ldap.auth. */
    public enum PasswordCheck {
        /** Bind as the user's DN with the password (the directory checks it; any hash it supports). */
        BIND,
        /** Read the password attribute and verify its hash here ({SSHA}, {CRYPT}$6$, {ARGON2ID}, ...). */
        PASSWORD_ATTRIBUTE
    }

    /**
     * Attribute names ("" for none).
     *
     * @param password     the hash to verify in PASSWORD_ATTRIBUTE mode (userPassword)
     * @param name         the account name Poplar uses ("" : the login name)
     * @param enabled      an enabled flag (TRUE/FALSE, active, yes/no; absent counts as enabled)
     * @param quota        the mailbox quota ("2G", octets)
     * @param quotaMessages the message quota
     * @param retention    the retention ("90d", days)
     */
    public record Attributes(
            String password, String name, String enabled, String quota, String quotaMessages, String retention) {
        /** Every non-empty name, for the search's attribute list. */
        public List<String> requested() {
            return java.util.stream.Stream.of(password, name, enabled, quota, quotaMessages, retention)
                    .filter(a -> !a.isEmpty())
                    .distinct()
                    .toList();
        }
    }
}

package dev.poplar.pop3;

import dev.poplar.storage.AccountLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The CAPA listing (RFC 2449 section 5), which differs before and after login and names only
 * what this server really does.
 */
public final class Capabilities {
    private final List<String> beforeLogin;
    private final List<String> afterLogin;
    private final AccountLimits defaults;

    /**
     * @param defaults the node's default limits; only the retention shows here (EXPIRE)
     */
    public Capabilities(String implementation, long loginDelaySeconds, AccountLimits defaults) {
        this.defaults = defaults;
        List<String> common = new ArrayList<>(List.of(
                "TOP", // RFC 2449 section 6.1
                "UIDL", // RFC 2449 section 6.6
                "RESP-CODES", // RFC 2449 section 6.4: we send [IN-USE], [SYS/*]
                "AUTH-RESP-CODE", // RFC 3206 section 3: we send [AUTH]
                "PIPELINING")); // RFC 2449 section 6.6
        if (loginDelaySeconds > 0) {
            common.add("LOGIN-DELAY " + loginDelaySeconds); // RFC 2449 section 6.5, enforced at login
        }
        List<String> before = new ArrayList<>(common);
        // RFC 2449 section 6.7: before login the node's default, with USER because an operator may
        // give any user a retention of their own; after login the user's value, without USER.
        before.add(expire(defaults.retentionMillis()) + " USER");
        this.beforeLogin = List.copyOf(before);
        List<String> after = new ArrayList<>(common);
        // RFC 2449 section 6.9; only after login, so anonymous scanners learn no version.
        after.add("IMPLEMENTATION " + implementation);
        this.afterLogin = List.copyOf(after);
    }

    /**
     * RFC 2449 section 6.7: the least number of days a message stays; servers may count from
     * delivery, as the retention sweep does. NEVER: Poplar deletes nothing by itself.
     */
    private static String expire(long retentionMillis) {
        return retentionMillis > 0 ? "EXPIRE " + retentionMillis / 86_400_000L : "EXPIRE NEVER";
    }

    /**
     * The listing for this session. RFC 2449 section 5: capabilities of the AUTHORIZATION state
     * MUST be announced in both states, so USER (where clear-text passwords are accepted), SASL and
     * STLS (while TLS is available and not yet on, RFC 2595 section 4) appear after login too,
     * although the commands themselves answer -ERR there.
     */
    public List<String> list(
            SessionState state,
            boolean tlsAvailable,
            boolean secure,
            boolean plaintextAllowed,
            List<String> saslMechanisms) {
        List<String> l = new ArrayList<>(state instanceof Transaction ? afterLogin : beforeLogin);
        if (state instanceof Transaction tx) {
            l.add(expire(tx.maildrop().limits().over(defaults).retentionMillis()));
        }
        if (plaintextAllowed) {
            l.add("USER"); // RFC 2449 section 6.3
        }
        if (!saslMechanisms.isEmpty()) {
            l.add("SASL " + String.join(" ", saslMechanisms)); // RFC 2449 section 6.3, RFC 5034
        }
        if (tlsAvailable && !secure) {
            l.add("STLS");
        }
        return l;
    }
}

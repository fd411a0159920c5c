package dev.poplar.directory;

import dev.poplar.config.LimitSyntax;
import dev.poplar.storage.AccountLimits;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the values a directory keeps for a user (an LDAP attribute, an SQL column) in the forms
 * operators' directories hold them. A value that cannot be read is logged and ignored (the node's
 * default applies): one bad attribute must not lock its user out.
 */
public final class DirectoryAttributes {
    private static final System.Logger LOG = System.getLogger("dev.poplar.directory");

    /** What an enabled flag may say: LDAP booleans, SQL booleans, common status words. */
    public static final Set<String> TRUE_WORDS = Set.of("true", "t", "1", "yes", "y", "on", "active", "enabled");

    private DirectoryAttributes() {}

    /** Enabled unless the value is present and not one of the true words (case-insensitive). */
    public static boolean enabled(String value) {
        return value == null
                || value.isBlank()
                || TRUE_WORDS.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Quota, message quota and retention: "2G", "1073741824", "none"; a count; "90d" or a bare
     * number of days ("90"). A missing value inherits the node's default.
     */
    public static AccountLimits limits(String user, String quota, String messages, String retention) {
        return new AccountLimits(
                read(user, "quota", quota, LimitSyntax::quotaSize),
                read(user, "message quota", messages, LimitSyntax::quotaMessages),
                read(user, "retention", retention, DirectoryAttributes::retention));
    }

    private static long retention(String s) {
        String v = s.strip();
        boolean days = !v.isEmpty() && !v.equals("0") && v.chars().allMatch(Character::isDigit);
        return LimitSyntax.retention(days ? v + "d" : v);
    }

    private static long read(String user, String what, String value, java.util.function.ToLongFunction<String> parse) {
        if (value == null || value.isBlank()) {
            return AccountLimits.INHERIT;
        }
        try {
            return parse.applyAsLong(value.strip());
        } catch (IllegalArgumentException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "user " + user + ": the directory's " + what + " '" + value + "' is not usable (" + e.getMessage()
                            + "); the node's default applies");
            return AccountLimits.INHERIT;
        }
    }
}

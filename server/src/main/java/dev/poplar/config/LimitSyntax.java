package dev.poplar.config;

import dev.poplar.storage.AccountLimits;
import java.util.Locale;

/**
 * The operator's words for quotas and retention, shared by the configuration, the CLI and the
 * admin API so that "2G", "none", "90d", "never" and "default" mean the same everywhere. Each
 * parser throws {@link IllegalArgumentException} with a message that says what is accepted.
 */
public final class LimitSyntax {
    /** The largest quota: 1 PiB. More is a typo (a unit too many), not a plan. */
    public static final long MAX_OCTETS = 1L << 50;

    /** The most messages a quota may allow. */
    public static final long MAX_MESSAGES = 1_000_000_000L;

    /** The longest retention: 100 years. */
    public static final long MAX_RETENTION_DAYS = 36_600;

    private static final long DAY_MILLIS = 86_400_000L;

    private LimitSyntax() {}

    /** "2G", "512M", "100K", a number of octets, "0"/"none" (no limit), or "default" (inherit). */
    public static long quotaSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.equals("DEFAULT")) {
            return AccountLimits.INHERIT;
        }
        if (t.equals("0") || t.equals("NONE") || t.equals("UNLIMITED")) {
            return AccountLimits.UNLIMITED;
        }
        if (!t.matches("[0-9]{1,16}[KMGT]?")) {
            throw new IllegalArgumentException(
                    "a quota size is a size such as 512M, 2G or 1T, 0 or none for no limit, or default; not '" + s
                            + "'");
        }
        long mult = switch (t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
        };
        long n = Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1));
        if (n > MAX_OCTETS / mult) {
            throw new IllegalArgumentException("a quota size must be at most 1024T, not '" + s + "'");
        }
        return n * mult;
    }

    /** A number of messages, "0"/"none" (no limit), or "default" (inherit). */
    public static long quotaMessages(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("default")) {
            return AccountLimits.INHERIT;
        }
        if (t.equals("none") || t.equals("unlimited")) {
            return AccountLimits.UNLIMITED;
        }
        if (!t.matches("[0-9]{1,10}") || Long.parseLong(t) > MAX_MESSAGES) {
            throw new IllegalArgumentException("a message quota is a count from 0 (none) to " + MAX_MESSAGES
                    + ", none, or default; not '" + s + "'");
        }
        return Long.parseLong(t);
    }

    /**
     * Whole days ("90d"), "never" (keep for ever), or "default" (inherit), in milliseconds. Whole
     * days because RFC 2449 section 6.7 announces retention in days (CAPA EXPIRE).
     */
    public static long retention(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("default")) {
            return AccountLimits.INHERIT;
        }
        if (t.equals("never") || t.equals("0")) {
            return AccountLimits.UNLIMITED;
        }
        if (!t.matches("[0-9]{1,6}d") || Long.parseLong(t.substring(0, t.length() - 1)) < 1) {
            throw new IllegalArgumentException(
                    "a retention is a number of days such as 90d, never, or default; not '" + s + "'");
        }
        long days = Long.parseLong(t.substring(0, t.length() - 1));
        if (days > MAX_RETENTION_DAYS) {
            throw new IllegalArgumentException(
                    "a retention must be at most " + MAX_RETENTION_DAYS + "d, not '" + s + "'");
        }
        return days * DAY_MILLIS;
    }

    /** The operator's word for a size limit: "default", "none", or e.g. "2G" / "1536K" / "1000". */
    public static String describeSize(long octets) {
        if (octets == AccountLimits.INHERIT) {
            return "default";
        }
        if (octets == AccountLimits.UNLIMITED) {
            return "none";
        }
        for (String unit : new String[] {"T", "G", "M", "K"}) {
            long mult = switch (unit) {
                case "T" -> 1L << 40;
                case "G" -> 1L << 30;
                case "M" -> 1L << 20;
                default -> 1L << 10;
            };
            if (octets % mult == 0) {
                return octets / mult + unit;
            }
        }
        return Long.toString(octets);
    }

    /** "default", "none", or the count. */
    public static String describeMessages(long messages) {
        return messages == AccountLimits.INHERIT
                ? "default"
                : messages == AccountLimits.UNLIMITED ? "none" : Long.toString(messages);
    }

    /** "default", "never", or e.g. "90d". */
    public static String describeRetention(long millis) {
        return millis == AccountLimits.INHERIT
                ? "default"
                : millis == AccountLimits.UNLIMITED ? "never" : millis / DAY_MILLIS + "d";
    }
}

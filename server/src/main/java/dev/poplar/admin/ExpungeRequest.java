package dev.poplar.admin;

import dev.poplar.storage.ExpungeCriteria;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Parses the operator's expunge criteria ("30d", "10M") into {@link ExpungeCriteria}. */
public final class ExpungeRequest {
    private ExpungeRequest() {}

    /** Each criterion may be null (not given); at least one must be given. */
    public static ExpungeCriteria parse(boolean all, Long uid, String olderThan, String largerThan)
            throws AdminException {
        return parseBefore(all, uid, olderThan == null ? null : Instant.now().minus(age(olderThan)), largerThan);
    }

    /** As above, with the cut-off as an instant (received_before) instead of an age. */
    public static ExpungeCriteria parseBefore(boolean all, Long uid, Instant receivedBefore, String largerThan)
            throws AdminException {
        if (uid != null && uid < 1) {
            throw invalid("uid must be a positive message UID, not " + uid);
        }
        try {
            return new ExpungeCriteria(
                    all,
                    uid == null ? OptionalLong.empty() : OptionalLong.of(uid),
                    Optional.ofNullable(receivedBefore),
                    largerThan == null ? OptionalLong.empty() : OptionalLong.of(size(largerThan)));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** The most an age may be: older than this, nothing was ever delivered by Poplar. */
    private static final long MAX_AGE_DAYS = 100 * 366;

    /**
     * "90d", "12h", "30m", "45s": a positive age. A negative one would put the cut-off in the
     * future and expunge everything (the outside review's "-5d"), so it is refused.
     */
    static Duration age(String s) throws AdminException {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (!t.matches("[0-9]{1,9}[dhms]")) {
            throw invalid("older-than must be a positive age such as 90d, 12h, 30m or 45s, not '" + s + "'");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        Duration d = switch (t.charAt(t.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero() || d.toDays() > MAX_AGE_DAYS) {
            throw invalid("older-than must be between 1s and " + MAX_AGE_DAYS + "d, not '" + s + "'");
        }
        return d;
    }

    /** "10M", "512K", "1G", or a number of bytes: positive, and no more than 1 TiB. */
    static long size(String s) throws AdminException {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (!t.matches("[0-9]{1,13}[KMG]?")) {
            throw invalid("larger-than must be a positive size such as 512K, 10M or 1G, not '" + s + "'");
        }
        long mult = switch (t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        long n = Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1));
        if (n < 1 || n > (1L << 40) / mult) {
            throw invalid("larger-than must be between 1 byte and 1T, not '" + s + "'");
        }
        return n * mult;
    }

    private static AdminException invalid(String message) {
        return new AdminException(AdminException.Kind.INVALID, message);
    }
}

package dev.poplar.admin;

import dev.poplar.storage.ExpungeCriteria;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Parses the operator's expunge criteria ("30d", "10M") into {@link ExpungeCriteria}. */
public final class ExpungeRequest {
    private ExpungeRequest() {
    }

    public static ExpungeCriteria parse(boolean all, Long uid, String olderThan, String largerThan) throws AdminException {
        try {
            return new ExpungeCriteria(all, uid == null ? OptionalLong.empty() : OptionalLong.of(uid),
                    olderThan == null ? Optional.empty() : Optional.of(Instant.now().minus(age(olderThan))),
                    largerThan == null ? OptionalLong.empty() : OptionalLong.of(size(largerThan)));
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, e.getMessage());
        }
    }

    /** "90d", "12h", "30m", "45s". */
    static Duration age(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                case 's' -> Duration.ofSeconds(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("older-than must be an age such as 90d, 12h or 30m, not '" + s + "'");
        }
    }

    /** "10M", "512K", "1G", or bytes. */
    static long size(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        try {
            return Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1)) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("larger-than must be a size such as 512K, 10M or 1G, not '" + s + "'");
        }
    }
}

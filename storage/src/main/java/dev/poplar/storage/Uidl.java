package dev.poplar.storage;

/**
 * Unique-id strings (RFC 1939 section 7: 1 to 70 characters in 0x21-0x7E, never reused in a
 * maildrop). Derived from the mailbox epoch and the UID with a '.' between them, so that two
 * different pairs can never print the same string (Stalwart's concatenation without a
 * separator can: epoch 1 uid 23 and epoch 12 uid 3).
 */
public final class Uidl {
    private Uidl() {}

    public static String of(long epoch, long uid) {
        return Long.toString(epoch, 36) + '.' + Long.toString(uid);
    }

    /** True when {@code s} is a valid unique-id per RFC 1939 section 7. */
    public static boolean isValid(String s) {
        if (s == null || s.isEmpty() || s.length() > 70) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The UID after the one {@code uidl} names when it has a mailbox's own form ("epoch.uid" for
     * this {@code epoch}), else 0. A kept UIDL of that form (a move between Poplar nodes) must
     * never be assigned again, so deliveries skip UIDs past it (DESIGN invariant 4).
     */
    public static long uidAfterOwn(long epoch, String uidl) {
        String prefix = Long.toString(epoch, 36) + '.';
        if (uidl.startsWith(prefix)
                && uidl.length() > prefix.length()
                && uidl.length() - prefix.length() <= 18
                && uidl.substring(prefix.length()).chars().allMatch(Character::isDigit)) {
            return Long.parseLong(uidl.substring(prefix.length())) + 1;
        }
        return 0;
    }
}

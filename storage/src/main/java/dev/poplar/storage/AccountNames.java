package dev.poplar.storage;

import java.util.Locale;

/**
 * Account names as the store keys them: ASCII-lower-cased, 1 to 255 octets (so a name always
 * fits one RFC 2449 command argument), letters, digits and {@code . _ - + @ =} only.
 */
public final class AccountNames {
    public static final int MAX_LENGTH = 255;

    private AccountNames() {}

    /** The key form of {@code name}; throws IllegalArgumentException saying what is wrong. */
    public static String normalize(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("user name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("user name is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-'
                    || c == '+'
                    || c == '@'
                    || c == '=';
            if (!ok) {
                throw new IllegalArgumentException("user name may hold only letters, digits and . _ - + @ =; found "
                        + (c < 0x21 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'"));
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** True when {@link #normalize} would accept {@code name}. */
    public static boolean isValid(String name) {
        try {
            normalize(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package dev.poplar.admin;

import dev.poplar.storage.AccountNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bulk provisioning format: one "name password" per line (the password is the rest of the
 * line and may contain spaces); blank lines and lines starting with '#' are skipped. With
 * hashes ({@code user import --hashed}), a line is "name {SCHEME}hash" or a Dovecot passwd-file
 * line "name:{SCHEME}hash:uid:gid:..." and the hash is checked here, so a bad one is refused with
 * its line number before anything is imported.
 */
public final class UserFile {
    public record Entry(String name, String password) {
        @Override
        public String toString() {
            return "Entry[" + name + ", password hidden]";
        }
    }

    private UserFile() {}

    /** Parses the whole file or throws naming every bad line (never echoing a password). */
    public static List<Entry> parse(String content) throws AdminException {
        return parse(content, false);
    }

    /** As {@link #parse(String)}; with {@code hashed}, each entry's password is a {SCHEME} hash in stored form. */
    public static List<Entry> parse(String content, boolean hashed) throws AdminException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Entry e = parseLine(lines[i], i + 1, hashed, errors);
            if (e != null && entries.put(e.name(), e) != null) {
                errors.add("line " + (i + 1) + ": user " + e.name() + " appears twice");
            }
        }
        if (!errors.isEmpty()) {
            throw badLines(errors);
        }
        return new ArrayList<>(entries.values());
    }

    /**
     * One line: its entry, or null for a blank line, a comment, or a bad line (whose problem is
     * added to {@code errors}, never with the password).
     */
    public static Entry parseLine(String raw, int number, boolean hashed, List<String> errors) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        if (line.isBlank() || line.stripLeading().startsWith("#")) {
            return null;
        }
        int sep = indexOfWhitespace(line);
        boolean passwdFile = hashed && line.indexOf(':') > 0 && (sep < 0 || line.indexOf(':') < sep);
        if (passwdFile) {
            sep = line.indexOf(':');
        }
        if (sep <= 0 || sep == line.length() - 1) {
            errors.add("line " + number + ": expected "
                    + (hashed ? "'name {SCHEME}hash' or 'name:{SCHEME}hash:...'" : "'name password'"));
            return null;
        }
        String name = line.substring(0, sep);
        String password = line.substring(sep + 1);
        if (passwdFile) {
            int end = password.indexOf(':');
            password = end < 0 ? password : password.substring(0, end);
        }
        try {
            if (hashed) {
                password = dev.poplar.auth.hash.ImportedHash.parse(password).stored();
            }
            return new Entry(AccountNames.normalize(name), password);
        } catch (IllegalArgumentException e) {
            errors.add("line " + number + ": " + e.getMessage());
            return null;
        }
    }

    /** The refusal naming the first 20 bad lines. */
    public static AdminException badLines(List<String> errors) {
        int shown = Math.min(errors.size(), 20);
        return new AdminException(
                AdminException.Kind.INVALID,
                "user file has " + errors.size()
                        + " bad lines; nothing was imported:\n  " + String.join("\n  ", errors.subList(0, shown))
                        + (errors.size() > shown ? "\n  ..." : ""));
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }
}

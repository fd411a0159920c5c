package dev.poplar.migrate;

import dev.poplar.storage.Uidl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Dovecot Maildir as Dovecot's POP3 shows it: messages in UID order from {@code dovecot-uidlist},
 * each with the UIDL Dovecot gives it, that is the stored POP3 UIDL (the {@code P} extension of
 * its uidlist record) when there is one, else {@code pop3_uidl_format} expanded with its UID and
 * the mailbox's UIDVALIDITY (Dovecot 2.3's default {@code %08Xu%08Xv}: both as 8 lower-case hex
 * digits, as its POP3 prints them). Files the uidlist does not name yet get the next UIDs in file
 * name order, as Dovecot assigns them at its next look.
 *
 * <p>The uidlist (version 3): a header {@code 3 V<uidvalidity> N<next uid> G<guid>}, then one
 * record per message, {@code <uid> [<letter><value> ...] :<file name base>}. A version 1 file is
 * {@code 1 <uidvalidity> <next uid>}, then {@code <uid> <file name base>}. Anything unreadable is
 * reported in {@code problems}, never guessed.
 */
public final class DovecotMaildir {
    private DovecotMaildir() {}

    public static SourceListing read(Path maildir, String uidlFormat) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Path> files = files(maildir);
        Path uidlist = maildir.resolve("dovecot-uidlist");
        long uidValidity = 0;
        long nextUid = 1;
        TreeMap<Long, Record> records = new TreeMap<>();
        if (Files.exists(uidlist)) {
            List<String> lines = StateFile.lines(uidlist);
            String[] header =
                    lines.isEmpty() ? new String[0] : lines.getFirst().trim().split(" +");
            int version = header.length > 0 && header[0].matches("\\d") ? Integer.parseInt(header[0]) : -1;
            if (version == 3) {
                for (String h : header) {
                    if (h.matches("V\\d+")) {
                        uidValidity = Long.parseLong(h.substring(1));
                    } else if (h.matches("N\\d+")) {
                        nextUid = Long.parseLong(h.substring(1));
                    }
                }
            } else if (version == 1 && header.length >= 3 && header[1].matches("\\d+") && header[2].matches("\\d+")) {
                uidValidity = Long.parseLong(header[1]);
                nextUid = Long.parseLong(header[2]);
            } else {
                problems.add(uidlist + ": unreadable header '"
                        + lines.stream().findFirst().orElse("") + "'; UIDLs made from file order");
                version = -1;
            }
            if (version > 0 && uidValidity == 0) {
                problems.add(uidlist + ": no UIDVALIDITY in the header; UIDLs made from file order");
                version = -1;
            }
            for (int i = 1; version > 0 && i < lines.size(); i++) {
                Record r = record(lines.get(i), version);
                if (r == null) {
                    if (!lines.get(i).isBlank()) {
                        problems.add(uidlist + " line " + (i + 1) + ": unreadable record, skipped");
                    }
                    continue;
                }
                if (records.containsKey(r.uid) || (!records.isEmpty() && r.uid < records.lastKey())) {
                    problems.add(
                            uidlist + " line " + (i + 1) + ": UID " + r.uid + " out of order or repeated, skipped");
                    continue;
                }
                records.put(r.uid, r);
            }
        }
        List<SourceMessage> out = new ArrayList<>();
        Set<String> seenUidls = new HashSet<>();
        Set<String> listed = new HashSet<>();
        for (Record r : records.values()) {
            listed.add(r.base);
            Path file = files.get(r.base);
            if (file == null) {
                continue; // expunged since the uidlist was written: Dovecot does not show it either
            }
            String uidl = r.pop3Uidl != null ? r.pop3Uidl : format(uidlFormat, r.uid, uidValidity, r.base);
            add(out, seenUidls, problems, uidl, file);
        }
        // Files the uidlist does not know yet: Dovecot gives them the next UIDs, in name order.
        long uid = Math.max(nextUid, records.isEmpty() ? 1 : records.lastKey() + 1);
        List<String> unlisted = new ArrayList<>(files.keySet());
        unlisted.removeAll(listed);
        unlisted.sort(String::compareTo);
        for (String base : unlisted) {
            String uidl = uidValidity > 0 ? format(uidlFormat, uid++, uidValidity, base) : fileNameUidl(base);
            add(out, seenUidls, problems, uidl, files.get(base));
        }
        return new SourceListing(out, problems);
    }

    /**
     * Without a uidlist no client has seen a UIDL from Dovecot yet: the file name base, as Courier
     * and qmail use, or, for a name that is not a valid UIDL (8-bit bytes, over 70 characters),
     * a digest of it, so no message is left behind for its name.
     */
    static String fileNameUidl(String base) {
        if (Uidl.isValid(base)) {
            return base;
        }
        try {
            return "h"
                    + java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(base.getBytes(StandardCharsets.UTF_8)))
                            .substring(0, 40);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void add(List<SourceMessage> out, Set<String> seen, List<String> problems, String uidl, Path file) {
        if (!Uidl.isValid(uidl)) {
            problems.add(file + ": its UIDL '" + uidl + "' breaks RFC 1939 (1-70 characters 0x21-0x7E); not migrated");
        } else if (!seen.add(uidl)) {
            problems.add(file + ": UIDL " + uidl + " is used twice in the source; only the first was migrated");
        } else {
            out.add(new MaildirMessage(uidl, file, receivedMillis(file)));
        }
    }

    private record Record(long uid, String pop3Uidl, String base) {}

    /** One uidlist record, or null when it cannot be read. */
    private static Record record(String line, int version) {
        String l = line.trim();
        int space = l.indexOf(' ');
        if (space <= 0 || !l.substring(0, space).matches("\\d{1,10}")) {
            return null;
        }
        long uid = Long.parseLong(l.substring(0, space));
        String rest = l.substring(space + 1);
        if (version == 1) {
            return rest.isBlank() || rest.contains(" ") ? null : new Record(uid, null, rest);
        }
        int colon = rest.indexOf(':');
        if (colon < 0 || colon == rest.length() - 1) {
            return null;
        }
        String pop3 = null;
        for (String ext : rest.substring(0, colon).trim().split(" +")) {
            if (ext.startsWith("P") && ext.length() > 1) {
                pop3 = ext.substring(1);
            }
        }
        return new Record(uid, pop3, rest.substring(colon + 1));
    }

    /** Checks a pop3_uidl_format before any work: throws when it uses what is not supported. */
    public static void format(String template) {
        format(template, 1, 1, "x");
    }

    /**
     * Expands Dovecot's pop3_uidl_format: %u and %v (UID, UIDVALIDITY; with X, hexadecimal; with a
     * zero-padded width such as %08Xu), %f (the file name base) and %%.
     */
    static String format(String template, long uid, long uidValidity, String base) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            int j = i + 1;
            int width = 0;
            while (j < template.length() && Character.isDigit(template.charAt(j))) {
                width = width * 10 + (template.charAt(j++) - '0');
            }
            boolean hex = j < template.length() && template.charAt(j) == 'X';
            if (hex) {
                j++;
            }
            if (j >= template.length()) {
                throw new IllegalArgumentException("pop3_uidl_format ends in the middle of a variable: " + template);
            }
            String value = switch (template.charAt(j)) {
                case 'u' -> hex ? Long.toHexString(uid) : Long.toString(uid);
                case 'v' -> hex ? Long.toHexString(uidValidity) : Long.toString(uidValidity);
                case 'f' -> base;
                case '%' -> "%";
                default ->
                    throw new IllegalArgumentException("pop3_uidl_format variable %" + template.charAt(j)
                            + " is not supported here (%u, %v, %f; X for hex; a width such as %08Xu)");
            };
            sb.append("0".repeat(Math.max(0, width - value.length()))).append(value);
            i = j;
        }
        return sb.toString();
    }

    /** Files in cur/ and new/ by their base name (the part before the ":2," info). */
    static Map<String, Path> files(Path maildir) throws IOException {
        Map<String, Path> files = new HashMap<>();
        boolean any = false;
        for (String sub : List.of("cur", "new")) {
            Path dir = maildir.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            any = true;
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") || !Files.isRegularFile(p)) {
                        continue;
                    }
                    int colon = name.indexOf(':');
                    files.put(colon < 0 ? name : name.substring(0, colon), p);
                }
            }
        }
        if (!any) {
            throw new IOException(maildir + " is not a Maildir: it has neither cur/ nor new/");
        }
        return files;
    }

    /** The delivery time at the start of a Maildir file name (seconds), else the file's mtime. */
    static long receivedMillis(Path file) {
        String name = file.getFileName().toString();
        int end = 0;
        while (end < name.length() && end < 12 && Character.isDigit(name.charAt(end))) {
            end++;
        }
        if (end >= 9 && end < name.length() && name.charAt(end) == '.') {
            return Long.parseLong(name.substring(0, end)) * 1000;
        }
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}

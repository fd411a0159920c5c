package dev.poplar.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Courier (or qmail-style) Maildir as Courier's POP3 server shows it. Courier keeps its POP3
 * state in {@code courierpop3dsizelist}: a header {@code /<version> <next uid> <uidvalidity>}
 * (versions 2 and 3), then per message {@code <file name base> <size> <uid>:<uidvalidity>[:<utf8>]}
 * (the name may hold spaces, so the line is read from its end). The UIDL of a listed message is
 * {@code UID<uid>-<uidvalidity>} ({@code UID<uid>} when the validity is 0); a file the list does
 * not name yet gets the next UID, as Courier assigns it at its next login. Messages are in
 * Courier's order: by the delivery time at the start of the file name, then by the name.
 *
 * <p>Without the list (qmail-pop3d, or a Courier that never served POP3 for the mailbox) the
 * UIDL is the file name base, as those servers show it.
 */
public final class CourierMaildir {
    static final String LIST = "courierpop3dsizelist";

    private CourierMaildir() {}

    private record Listed(long uid, long uidValidity) {}

    public static SourceListing read(Path maildir) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Path> files = DovecotMaildir.files(maildir);
        List<String> order = new ArrayList<>(files.keySet());
        order.sort(COURIER_ORDER);
        Path list = maildir.resolve(LIST);
        Map<String, Listed> listed = new HashMap<>();
        long nextUid = 0;
        long uidValidity = 0;
        boolean haveList = false;
        if (Files.exists(list)) {
            List<String> lines = StateFile.lines(list);
            String[] header = lines.isEmpty() ? new String[0] : lines.getFirst().split(" ");
            if (header.length >= 3
                    && header[0].matches("/[23]")
                    && header[1].matches("\\d{1,18}")
                    && header[2].matches("\\d{1,18}")) {
                haveList = true;
                nextUid = Long.parseLong(header[1]);
                uidValidity = Long.parseLong(header[2]);
            } else {
                problems.add(list + ": unreadable header '"
                        + lines.stream().findFirst().orElse("") + "'; UIDLs made from the file names");
            }
            for (int i = 1; haveList && i < lines.size(); i++) {
                String line = lines.get(i);
                int last = line.lastIndexOf(' ');
                int size = last <= 0 ? -1 : line.lastIndexOf(' ', last - 1);
                String[] uid =
                        last < 0 ? new String[0] : line.substring(last + 1).split(":");
                if (size <= 0 || uid.length < 2 || !uid[0].matches("\\d{1,18}") || !uid[1].matches("\\d{1,18}")) {
                    if (!line.isBlank()) {
                        problems.add(list + " line " + (i + 1) + ": unreadable record, skipped");
                    }
                    continue;
                }
                listed.put(line.substring(0, size), new Listed(Long.parseLong(uid[0]), Long.parseLong(uid[1])));
            }
        }
        List<SourceMessage> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String base : order) {
            String uidl;
            if (!haveList) {
                uidl = DovecotMaildir.fileNameUidl(base);
            } else {
                Listed l = listed.get(base);
                if (l == null) {
                    l = new Listed(nextUid++, uidValidity); // as Courier numbers it at its next look
                }
                uidl = l.uidValidity() != 0 ? "UID" + l.uid() + "-" + l.uidValidity() : "UID" + l.uid();
            }
            DovecotMaildir.add(out, seen, problems, uidl, files.get(base));
        }
        return new SourceListing(out, problems);
    }

    /**
     * Courier's message order: the number at the start of the name (the delivery time), then the
     * names byte by byte.
     */
    static final Comparator<String> COURIER_ORDER =
            Comparator.comparingLong(CourierMaildir::leadingNumber).thenComparing(Comparator.naturalOrder());

    private static long leadingNumber(String name) {
        int end = 0;
        while (end < name.length() && end < 18 && Character.isDigit(name.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Long.parseLong(name.substring(0, end));
    }
}

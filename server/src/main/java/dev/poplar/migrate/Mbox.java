package dev.poplar.migrate;

import dev.poplar.storage.Uidl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An mbox file (RFC 4155) as a migration source, in one of its three dialects, which cannot be
 * told apart reliably from the bytes, so the operator says which (docs/migration.md):
 * <ul>
 *   <li>{@code mboxo}: body lines starting "From " were quoted as "&gt;From "; that cannot be undone
 *       (an original "&gt;From " looks the same), so nothing is unquoted: the safe default.</li>
 *   <li>{@code mboxrd}: every "&gt;*From " line was quoted with one more '&gt;': one is removed.</li>
 *   <li>{@code mboxcl2}: nothing is quoted; each message's Content-Length header says where it ends.</li>
 * </ul>
 * A message's UIDL is its {@code X-UIDL:} header (qpopper, UW), else a digest of its bytes (with a
 * counter for identical copies), stable across reruns. Its received time is the date of its
 * "From " line. Reading is two passes: offsets first, bytes when each message's turn comes, so an
 * mbox of any size costs one message of memory.
 */
public final class Mbox {
    public enum Variant {
        MBOXO,
        MBOXRD,
        MBOXCL2
    }

    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern X_UIDL = Pattern.compile("(?im)^X-UIDL:[ \\t]*(\\S+)[ \\t]*$");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^Content-Length:[ \\t]*(\\d{1,12})[ \\t]*$");
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);

    private Mbox() {}

    /** Where one message's bytes are (after its "From " line), and its separator date. */
    private record Region(long start, long end, long receivedMillis) {}

    public static SourceListing read(Path file, Variant variant) throws IOException {
        List<Region> regions = regions(file, variant);
        List<SourceMessage> messages = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> copies = new HashMap<>();
        Set<String> seen = new HashSet<>();
        boolean quotedTwice = false;
        int withLength = 0;
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            byte[] raw = bytes(file, r, variant);
            String head = header(raw);
            quotedTwice |=
                    variant != Variant.MBOXRD && new String(raw, StandardCharsets.ISO_8859_1).contains("\n>>From ");
            Matcher cl = CONTENT_LENGTH.matcher(head);
            withLength += cl.find() ? 1 : 0;
            Matcher x = X_UIDL.matcher(head);
            String uidl;
            if (x.find()) {
                uidl = x.group(1);
            } else {
                String digest = digest(raw);
                int n = copies.merge(digest, 1, Integer::sum);
                uidl = "m" + digest + (n > 1 ? "." + n : "");
            }
            String where = file + " message " + (i + 1);
            if (!Uidl.isValid(uidl)) {
                problems.add(where + ": its X-UIDL '" + uidl + "' breaks RFC 1939; not migrated");
            } else if (!seen.add(uidl)) {
                problems.add(where + ": UIDL " + uidl + " is used twice in the source; only the first was migrated");
            } else {
                messages.add(new MboxMessage(uidl, file, r, variant, where));
            }
        }
        if (quotedTwice) {
            problems.add(
                    0,
                    file
                            + " has '>>From ' lines: it looks like mboxrd; rerun with --mbox-format mboxrd if so (note only)");
        }
        if (variant != Variant.MBOXCL2 && !regions.isEmpty() && withLength * 2 >= regions.size()) {
            problems.add(0, file + ": most messages have Content-Length: it may be mboxcl2 (note only)");
        }
        return new SourceListing(messages, problems);
    }

    private record MboxMessage(String uidl, Path file, Region region, Variant variant, String where)
            implements SourceMessage {
        @Override
        public Fetched fetch() throws IOException {
            return new Fetched(bytes(file, region, variant), region.receivedMillis());
        }
    }

    /** First pass: the messages' byte ranges (a sequential read, and a second handle to look back and ahead). */
    private static List<Region> regions(Path file, Variant variant) throws IOException {
        List<Region> out = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r");
                java.io.InputStream in =
                        new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
            long length = f.length();
            long pos = 0;
            long start = -1;
            long received = 0;
            boolean previousEmpty = true;
            while (pos < length) {
                long lineStart = pos;
                byte[] line = readLine(in);
                if (line.length == 0) {
                    break;
                }
                pos += line.length;
                boolean from = previousEmpty && startsWith(line, FROM);
                if (from) { // in mboxcl2 a message with Content-Length was skipped whole, so this is a real separator
                    if (start >= 0) {
                        out.add(new Region(start, trimSeparator(f, lineStart, start), received));
                    }
                    start = pos;
                    received = fromLineDate(line);
                    if (variant == Variant.MBOXCL2) {
                        long cl = contentLength(f, start);
                        if (cl >= 0) {
                            long end = Math.min(length, headerEnd(f, start) + cl);
                            out.add(new Region(start, end, received));
                            in.skipNBytes(end - pos);
                            pos = end;
                            start = -1;
                            previousEmpty = true;
                            continue;
                        }
                    }
                } else if (start < 0 && !isEmpty(line)) {
                    throw new IOException(file + " is not an mbox file: it does not start with a 'From ' line");
                }
                previousEmpty = isEmpty(line);
            }
            if (start >= 0) {
                out.add(new Region(start, trimSeparator(f, length, start), received));
            }
        }
        return out;
    }

    /** The empty line before a "From " line belongs to the format, not the message. */
    private static long trimSeparator(RandomAccessFile f, long end, long start) throws IOException {
        if (end - start >= 1) {
            f.seek(end - 1);
            if (f.read() == '\n') {
                long e = end - 1;
                if (e - start >= 1) {
                    f.seek(e - 1);
                    int c = f.read();
                    if (c == '\n') {
                        return e;
                    }
                    if (c == '\r' && e - start >= 2) {
                        f.seek(e - 2);
                        if (f.read() == '\n') {
                            return e - 1;
                        }
                    }
                }
            }
        }
        return end;
    }

    /** Second pass for one message: its bytes, unquoted as the variant says. */
    private static byte[] bytes(Path file, Region r, Variant variant) throws IOException {
        byte[] raw = new byte[Math.toIntExact(r.end - r.start)];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw);
            while (b.hasRemaining() && ch.read(b, r.start + b.position()) > 0) {
                // read it all
            }
        }
        if (variant != Variant.MBOXRD) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int lineStart = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == '\n') {
                int end = Math.min(raw.length, i + 1);
                int gt = lineStart;
                while (gt < end && raw[gt] == '>') {
                    gt++;
                }
                int skip = gt > lineStart && startsWith(raw, gt, FROM) ? 1 : 0;
                out.write(raw, lineStart + skip, end - lineStart - skip);
                lineStart = end;
            }
        }
        return out.toByteArray();
    }

    private static long contentLength(RandomAccessFile f, long start) throws IOException {
        Matcher m = CONTENT_LENGTH.matcher(headerText(f, start));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long headerEnd(RandomAccessFile f, long start) throws IOException {
        String h = headerText(f, start);
        return start + h.getBytes(StandardCharsets.ISO_8859_1).length;
    }

    /** The header section from {@code start} through its empty line (at most 1 MiB). */
    private static String headerText(RandomAccessFile f, long start) throws IOException {
        f.seek(start);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int prev = -1;
        int prev2 = -1;
        for (int c; (c = f.read()) >= 0 && h.size() < (1 << 20); ) {
            h.write(c);
            if (c == '\n' && (prev == '\n' || (prev == '\r' && prev2 == '\n'))) {
                break;
            }
            prev2 = prev;
            prev = c;
        }
        return h.toString(StandardCharsets.ISO_8859_1);
    }

    private static String header(byte[] raw) {
        String s = new String(raw, 0, Math.min(raw.length, 1 << 20), StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\n\n");
        int crlf = s.indexOf("\r\n\r\n");
        int cut = end < 0 ? crlf : crlf < 0 ? end : Math.min(end, crlf);
        return cut < 0 ? s : s.substring(0, cut);
    }

    /** "From sender Thu Jan  1 00:00:00 2026" (asctime, UTC by convention). */
    static long fromLineDate(byte[] line) {
        String l = new String(line, StandardCharsets.ISO_8859_1).trim().replaceAll("\\s+", " ");
        String[] parts = l.split(" ");
        if (parts.length >= 7) {
            String date = String.join(" ", List.of(parts).subList(parts.length - 5, parts.length));
            try {
                return LocalDateTime.parse(date, ASCTIME)
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli();
            } catch (RuntimeException e) {
                return 0;
            }
        }
        return 0;
    }

    private static String digest(byte[] raw) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(raw))
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readLine(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        for (int c; (c = in.read()) >= 0; ) {
            b.write(c);
            if (c == '\n') {
                break;
            }
        }
        return b.toByteArray();
    }

    private static boolean isEmpty(byte[] l) {
        return l.length == 1 && l[0] == '\n' || l.length == 2 && l[0] == '\r' && l[1] == '\n';
    }

    private static boolean startsWith(byte[] l, byte[] prefix) {
        return startsWith(l, 0, prefix);
    }

    private static boolean startsWith(byte[] l, int offset, byte[] prefix) {
        return l.length - offset >= prefix.length
                && java.util.Arrays.equals(l, offset, offset + prefix.length, prefix, 0, prefix.length);
    }
}

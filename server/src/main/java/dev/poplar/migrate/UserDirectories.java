package dev.poplar.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds every user's mail directory from a Dovecot-style path template such as
 * {@code /var/vmail/%d/%n/Maildir}: %d is the domain, %n the local part, %u the whole user name.
 * The user is %u, else %n@%d, else %n.
 */
public final class UserDirectories {
    private UserDirectories() {}

    /** User name to directory, sorted by user. */
    public static Map<String, Path> find(String template) throws IOException {
        return find(template, false);
    }

    /** User name to path; with {@code files}, the last segment names a file (an mbox per user). */
    public static Map<String, Path> find(String template, boolean files) throws IOException {
        if (!template.contains("%u") && !template.contains("%n")) {
            throw new IllegalArgumentException(
                    "the path template must name the user with %u or %n (for example /var/vmail/%d/%n/Maildir)");
        }
        String[] segments = template.split("/");
        Map<String, Path> out = new TreeMap<>();
        Path start = template.startsWith("/") ? Path.of("/") : Path.of(".");
        walk(start, segments, template.startsWith("/") ? 1 : 0, new HashMap<>(), out, files);
        return out;
    }

    private static void walk(
            Path dir, String[] segments, int i, Map<String, String> vars, Map<String, Path> out, boolean files)
            throws IOException {
        if (i == segments.length) {
            String user = vars.containsKey("u")
                    ? vars.get("u")
                    : vars.containsKey("d") ? vars.get("n") + "@" + vars.get("d") : vars.get("n");
            out.put(user, dir);
            return;
        }
        String seg = segments[i];
        if (seg.isEmpty()) {
            walk(dir, segments, i + 1, vars, out, files);
            return;
        }
        if (!seg.contains("%")) {
            Path next = dir.resolve(seg);
            if (Files.isDirectory(next) || files && i == segments.length - 1 && Files.isRegularFile(next)) {
                walk(next, segments, i + 1, vars, out, files);
            }
            return;
        }
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("%([dnu])").matcher(seg);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(seg.substring(last, m.start())))
                    .append("(?<")
                    .append(m.group(1))
                    .append(">[^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(seg.substring(last)));
        Pattern p = Pattern.compile(regex.toString());
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path child : s.sorted().toList()) {
                Matcher cm = p.matcher(child.getFileName().toString());
                boolean lastSegment = i == segments.length - 1;
                boolean fits = Files.isDirectory(child) || files && lastSegment && Files.isRegularFile(child);
                if (fits && !child.getFileName().toString().startsWith(".") && cm.matches()) {
                    Map<String, String> v = new HashMap<>(vars);
                    for (String n : names) {
                        v.put(n, cm.group(n));
                    }
                    walk(child, segments, i + 1, v, out, files);
                }
            }
        }
    }
}

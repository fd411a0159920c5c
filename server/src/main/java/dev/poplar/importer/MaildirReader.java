package dev.poplar.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the messages of a Maildir (cur/ and new/), oldest first: Maildir file names start with
 * the delivery time in seconds, so a numeric-aware sort of the names is delivery order.
 */
public final class MaildirReader {
    private MaildirReader() {
    }

    public static List<Path> messages(Path maildir) throws IOException {
        Path cur = maildir.resolve("cur");
        Path neu = maildir.resolve("new");
        if (!Files.isDirectory(cur) && !Files.isDirectory(neu)) {
            throw new IOException(maildir + " is not a Maildir: it has neither cur/ nor new/");
        }
        List<Path> files = new ArrayList<>();
        for (Path sub : List.of(cur, neu)) {
            if (Files.isDirectory(sub)) {
                try (Stream<Path> s = Files.list(sub)) {
                    s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                            .forEach(files::add);
                }
            }
        }
        files.sort(Comparator.comparingLong(MaildirReader::deliveryTime)
                .thenComparing(p -> p.getFileName().toString()));
        return files;
    }

    private static long deliveryTime(Path p) {
        String name = p.getFileName().toString();
        int end = 0;
        while (end < name.length() && Character.isDigit(name.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? Long.MAX_VALUE : Long.parseLong(name.substring(0, end));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}

package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.UserFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first pass of a bulk import: every line checked, and no user named twice, before anything
 * is imported, in memory that grows by 8 bytes per user (a 64-bit hash of each name; names that
 * share a hash are confirmed by a second read, so a collision never refuses a good file).
 */
final class UserFileCheck {
    private UserFileCheck() {}

    /** Checks the file and returns how many users it names. */
    static long check(Path file, boolean hashed) throws AdminException {
        List<String> errors = new ArrayList<>();
        long[] hashes = new long[1024];
        int users = 0;
        try (UserFileLines lines = new UserFileLines(open(file))) {
            for (String l; (l = lines.next()) != null; ) {
                UserFile.Entry e = UserFile.parseLine(l, lines.number(), hashed, errors);
                if (e != null) {
                    if (users == hashes.length) {
                        hashes = Arrays.copyOf(hashes, users * 2);
                    }
                    hashes[users++] = hash(e.name());
                }
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        long[] sorted = Arrays.copyOf(hashes, users);
        Arrays.sort(sorted);
        List<Long> shared = new ArrayList<>();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1] && (shared.isEmpty() || shared.getLast() != sorted[i])) {
                shared.add(sorted[i]);
            }
        }
        if (!shared.isEmpty()) {
            duplicates(file, hashed, shared, errors);
        }
        if (!errors.isEmpty()) {
            throw UserFile.badLines(errors);
        }
        return users;
    }

    /** Second read: the lines whose name an earlier line already had. */
    private static void duplicates(Path file, boolean hashed, List<Long> shared, List<String> errors)
            throws AdminException {
        java.util.Set<Long> wanted = new java.util.HashSet<>(shared);
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (UserFileLines lines = new UserFileLines(open(file))) {
            for (String l; (l = lines.next()) != null; ) {
                UserFile.Entry e = UserFile.parseLine(l, lines.number(), hashed, new ArrayList<>());
                if (e != null && wanted.contains(hash(e.name())) && !seen.add(e.name())) {
                    errors.add("line " + lines.number() + ": user " + e.name() + " appears twice");
                }
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    static InputStream open(Path file) throws AdminException {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static AdminException unreadable(IOException e) {
        return new AdminException(
                AdminException.Kind.INVALID, "cannot read the user file: " + dev.poplar.io.IoErrors.describe(e));
    }

    /** FNV-1a, 64 bits: spreads names well; collisions are checked, not trusted. */
    private static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}

package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.storage.MailStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "restore",
        description = "Replace a stopped node's store with a backup, after checking the "
                + "backup; the old store is kept beside it as store.before-restore-TIME.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "DIR", description = "A directory written by 'poplar backup'.")
    Path backup;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(backup.resolve("BACKUP")) || !Files.isDirectory(backup.resolve("store"))) {
            throw new AdminException(
                    AdminException.Kind.INVALID, backup + " is not a Poplar backup (no BACKUP file or store/)");
        }
        try (OfflineStore offline = new OfflineStore(config.load(), "restore")) {
            Path current = offline.data.store();
            Path staging = current.resolveSibling("store.restoring");
            deleteTree(staging);
            copyTree(backup.resolve("store"), staging);
            MailStore candidate = offline.open(staging);
            List<String> problems = candidate.check();
            long accounts = candidate.accountNames().size();
            offline.closeStore();
            if (!problems.isEmpty()) {
                deleteTree(staging);
                throw new AdminException(
                        AdminException.Kind.INVALID,
                        "the backup is inconsistent, nothing restored: " + String.join("; ", problems));
            }
            if (Files.exists(current)) {
                Path aside = current.resolveSibling("store.before-restore-" + System.currentTimeMillis());
                Files.move(current, aside, StandardCopyOption.ATOMIC_MOVE);
                System.out.println("previous store kept in " + aside);
            }
            Files.move(staging, current, StandardCopyOption.ATOMIC_MOVE);
            if (Files.exists(backup.resolve("apop.key"))) {
                Files.copy(
                        backup.resolve("apop.key"),
                        offline.data.path().resolve("apop.key"),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            System.out.println("restored " + accounts + " accounts from " + backup);
        }
        return 0;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

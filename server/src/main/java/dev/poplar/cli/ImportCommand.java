package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.importer.MaildirReader;
import dev.poplar.importer.MboxReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", description = "Import messages from an mbox file or a Maildir into a mailbox.")
final class ImportCommand implements Callable<Integer> {
    private static final int BATCH = 100;

    @Mixin
    ConfigOption config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--mbox", paramLabel = "FILE", description = "An mbox file (mboxrd or mboxo).")
        Path mbox;
        @Option(names = "--maildir", paramLabel = "DIR", description = "A Maildir (its cur/ and new/).")
        Path maildir;
    }

    @Parameters(paramLabel = "NAME", description = "The mailbox to import into.")
    String name;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        int[] imported = {0};
        try (AdminOperations admin = AdminConnector.connect(config.load())) {
            admin.stats(name); // no such user: say so (exit 3) before reading anything
            List<byte[]> batch = new ArrayList<>();
            try {
                if (source.mbox != null) {
                    try (InputStream in = Files.newInputStream(source.mbox)) {
                        MboxReader.read(in, message -> {
                            batch.add(message);
                            if (batch.size() == BATCH) {
                                imported[0] += flush(admin, batch);
                            }
                        });
                    }
                } else {
                    for (Path p : MaildirReader.messages(source.maildir)) {
                        batch.add(Files.readAllBytes(p));
                        if (batch.size() == BATCH) {
                            imported[0] += flush(admin, batch);
                        }
                    }
                }
                imported[0] += flush(admin, batch); // the last, partial batch
            } catch (UncheckedAdminException e) {
                throw e.getCause();
            } catch (IOException | UncheckedIOException e) {
                throw new AdminException(AdminException.Kind.INVALID, "cannot read the source: " + describe(e)
                        + " (" + imported[0] + " messages were imported before this)");
            }
        }
        System.out.printf("imported %d messages into %s (%.1f s)%n", imported[0], name, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static String describe(Exception e) {
        IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        return dev.poplar.io.IoErrors.describe(io);
    }

    private int flush(AdminOperations admin, List<byte[]> batch) {
        int n = batch.size();
        if (n > 0) {
            try {
                admin.deliverAll(name, batch);
            } catch (AdminException e) {
                throw new UncheckedAdminException(e);
            }
            batch.clear();
        }
        return n;
    }

    private static final class UncheckedAdminException extends RuntimeException {
        UncheckedAdminException(AdminException cause) {
            super(cause);
        }

        @Override
        public synchronized AdminException getCause() {
            return (AdminException) super.getCause();
        }
    }
}

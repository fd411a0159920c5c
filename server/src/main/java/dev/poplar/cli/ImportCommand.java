package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.config.PoplarConfig;
import dev.poplar.migrate.DovecotMaildir;
import dev.poplar.migrate.Mbox;
import dev.poplar.migrate.Migrator;
import dev.poplar.migrate.SourceListing;
import dev.poplar.migrate.SourceMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One mbox file or Maildir into one mailbox, through the migration path (DESIGN invariant 12):
 * byte for byte, dated by the source, with stable UIDLs (a Maildir's dovecot-uidlist, else its
 * file names; an mbox's X-UIDL, else a digest), so a rerun adds nothing twice.
 */
@Command(
        name = "import",
        description = "Import messages from an mbox file or a Maildir into a mailbox: as the source has them "
                + "(no header added), dated by the source, and never twice (a rerun imports only what is missing).")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--mbox", paramLabel = "FILE", description = "An mbox file.")
        Path mbox;

        @Option(
                names = "--maildir",
                paramLabel = "DIR",
                description = "A Maildir (its cur/ and new/; UIDLs from dovecot-uidlist if any).")
        Path maildir;
    }

    @picocli.CommandLine.Mixin
    MboxFormatOption mboxFormat;

    @Option(
            names = "--add-delivered-to",
            description = "Put 'Delivered-To: NAME' in front of each message, as a delivery would.")
    boolean addDeliveredTo;

    @Parameters(paramLabel = "NAME", description = "The mailbox to import into.")
    String name;

    @Override
    public Integer call() throws Exception {
        PoplarConfig cfg = config.load();
        Mbox.Variant variant = mboxFormat.variant();
        try (AdminOperations admin = AdminConnector.connect(cfg)) {
            admin.stats(name); // no such user: say so (exit 3) before reading anything
            SourceListing listing;
            try {
                listing = source.mbox != null
                        ? Mbox.read(source.mbox, variant)
                        : DovecotMaildir.read(source.maildir, "%08Xu%08Xv");
            } catch (IOException e) {
                throw new AdminException(
                        AdminException.Kind.INVALID, "cannot read the source: " + dev.poplar.io.IoErrors.describe(e));
            }
            SourceListing used = addDeliveredTo ? withDeliveredTo(listing) : listing;
            Migrator.Report r = new Migrator(
                            admin,
                            cfg.lmtp().maxMessageSize(),
                            1,
                            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .migrate(List.of(name), user -> used);
            Migrator.UserReport u = r.users().getFirst();
            u.skipped().forEach(s -> System.out.println("skipped: " + s));
            System.out.printf(
                    "imported %d messages into %s (%.1f s)%s%n",
                    u.migrated(),
                    name,
                    r.seconds(),
                    u.alreadyThere() > 0 ? "; " + u.alreadyThere() + " were there already" : "");
        }
        return 0;
    }

    private SourceListing withDeliveredTo(SourceListing l) {
        byte[] header = ("Delivered-To: " + name + "\r\n").getBytes(StandardCharsets.UTF_8);
        List<SourceMessage> wrapped = l.messages().stream()
                .<SourceMessage>map(m -> new SourceMessage() {
                    @Override
                    public String uidl() {
                        return m.uidl();
                    }

                    @Override
                    public String where() {
                        return m.where();
                    }

                    @Override
                    public Fetched fetch() throws IOException {
                        Fetched f = m.fetch();
                        ByteArrayOutputStream b = new ByteArrayOutputStream(header.length + f.raw().length);
                        b.writeBytes(header);
                        b.writeBytes(f.raw());
                        return new Fetched(b.toByteArray(), f.receivedMillis());
                    }
                })
                .toList();
        return new SourceListing(wrapped, l.problems());
    }
}

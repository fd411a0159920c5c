package dev.poplar.cli;

import dev.poplar.admin.AdminException;
import dev.poplar.migrate.Mbox;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The mbox dialect option shared by {@code import} and {@code migrate} (docs/migration.md). */
final class MboxFormatOption {
    @Option(
            names = "--mbox-format",
            defaultValue = "mboxo",
            paramLabel = "FORMAT",
            description =
                    "mboxo (default: nothing unquoted, the safe choice), mboxrd (one '>' removed from '>From ' lines) "
                            + "or mboxcl2 (Content-Length); a note says when a file looks like another.")
    String format;

    Mbox.Variant variant() throws AdminException {
        try {
            return Mbox.Variant.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.Kind.INVALID, "--mbox-format must be mboxo, mboxrd or mboxcl2");
        }
    }
}

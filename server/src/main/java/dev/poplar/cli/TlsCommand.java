package dev.poplar.cli;

import dev.poplar.tls.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tls", description = "TLS helpers.", subcommands = TlsCommand.SelfSigned.class)
final class TlsCommand {

    @Command(
            name = "self-signed",
            description = "Write a self-signed ECDSA P-256 certificate and key (PEM) "
                    + "for development and tests; clients will warn. Use a real certificate (certbot) for mail.")
    static final class SelfSigned implements Callable<Integer> {
        @Option(
                names = "--cert",
                defaultValue = "cert.pem",
                description = "Certificate file (default: ${DEFAULT-VALUE}).")
        Path cert;

        @Option(
                names = "--key",
                defaultValue = "key.pem",
                description = "Key file, written mode 0600 (default: ${DEFAULT-VALUE}).")
        Path key;

        @Option(
                names = "--name",
                split = ",",
                defaultValue = "localhost,127.0.0.1",
                description = "Host names and addresses it is valid for (default: ${DEFAULT-VALUE}).")
        List<String> names;

        @Option(names = "--days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() throws Exception {
            if (days < 1 || days > 3650) {
                throw new dev.poplar.admin.AdminException(
                        dev.poplar.admin.AdminException.Kind.INVALID,
                        "--days must be between 1 and 3650, not " + days
                                + " (a certificate must not expire before it starts)");
            }
            SelfSignedCertificate.write(cert, key, names.getFirst(), names, Duration.ofDays(days));
            System.out.println("wrote " + cert + " and " + key + " for " + String.join(", ", names));
            return 0;
        }
    }
}

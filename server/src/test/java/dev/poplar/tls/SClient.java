package dev.poplar.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** OpenSSL's s_client against a local port: the independent TLS client of the TLS tests. */
final class SClient {
    private SClient() {}

    /** s_client to 127.0.0.1:{@code port}, lines sent with CRLF, then {@code options}. */
    static List<String> command(int port, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-crlf"));
        cmd.addAll(options);
        return cmd;
    }

    /**
     * Sends {@code input} and waits until the server closes (-ign_eof: the end of the input does
     * not end s_client), returns all it printed.
     */
    static String run(int port, List<String> options, String input) throws Exception {
        List<String> cmd = command(port, List.of("-ign_eof"));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.US_ASCII));
        }
        return output(p);
    }

    /**
     * s_client with nothing to say (standard input is /dev/null from the start): it finishes the
     * handshake and leaves at once, sending its Finished and close_notify back to back.
     */
    static String leaving(int port, String... options) throws Exception {
        Process p = new ProcessBuilder(command(port, List.of(options)))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return output(p);
    }

    /** s_client kept open for commands on its standard input (its "k", "K" and "R" lines too). */
    static Process interactive(int port, String version) throws IOException {
        return new ProcessBuilder(command(port, List.of(version)))
                .redirectErrorStream(true)
                .start();
    }

    private static String output(Process p) throws Exception {
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "s_client ended");
        return new String(out, StandardCharsets.UTF_8);
    }
}

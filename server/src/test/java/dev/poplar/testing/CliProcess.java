package dev.poplar.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The poplar CLI as an operator runs it: a child process with its own JVM, stdin, output and exit code. */
public final class CliProcess {
    private CliProcess() {}

    public record Result(int exit, String out, String err) {}

    /** Runs {@code poplar ARGS} on {@code dataDir}; {@code env} adds variables (fixtures' short passwords, ...). */
    public static Result run(Path dataDir, Map<String, String> env, String stdin, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                // A CLI run is a short-lived JVM: the C1 compiler alone starts it about 15% sooner.
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.poplar.cli.PoplarCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("POPLAR_DATA_DIR", dataDir.toString());
        pb.environment().put("POPLAR_AUTH_PBKDF2_ITERATIONS", "1000");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }
}

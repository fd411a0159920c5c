package dev.poplar.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs some tests drive (promtool, prometheus). On a developer machine without them
 * the test is skipped; CI sets POPLAR_REQUIRE_TOOLS=1 (after installing them), so there a missing
 * tool fails the test instead of silently skipping it.
 */
public final class Tools {
    private Tools() {}

    public static Path require(String program) {
        // Servers (slapd) live in /usr/sbin, which a non-root PATH often lacks.
        for (String dir : (System.getenv().getOrDefault("PATH", "/usr/bin") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
            throw new AssertionError(program + " is required (POPLAR_REQUIRE_TOOLS=1) but not on PATH");
        }
        Assumptions.abort(program + " is not installed; .ci/run installs it");
        return null;
    }

    /** A file a Debian package installs (a server module), or the same skip / failure as {@link #require}. */
    public static Path requireFile(Path file, String debianPackage) {
        if (Files.exists(file)) {
            return file;
        }
        if ("1".equals(System.getenv("POPLAR_REQUIRE_TOOLS"))) {
            throw new AssertionError(file + " is required (POPLAR_REQUIRE_TOOLS=1): install " + debianPackage);
        }
        Assumptions.abort(file + " is missing; install " + debianPackage + " (./poplar test does)");
        return null;
    }

    /** Runs a command to completion; returns exit code and combined output. */
    public static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), out);
    }

    public record Result(int exit, String output) {}
}

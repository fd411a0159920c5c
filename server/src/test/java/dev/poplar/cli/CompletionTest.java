package dev.poplar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.CliProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bash completion script as bash runs it: sourced, then asked to complete a command line the
 * way readline does. What it offers is checked against the commands the CLI's --help lists.
 */
class CompletionTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletesEveryCommandTheHelpLists() throws Exception {
        Path script = dir.resolve("poplar.bash");
        CliProcess.Result r = CliProcess.run(dir.resolve("data"), Map.of(), null, "completion");
        assertEquals(0, r.exit(), r.err());
        Files.writeString(script, r.out());

        assertEquals(commandsInHelp(""), complete(script, "poplar "));
        assertEquals(commandsInHelp("user"), complete(script, "poplar user "));
        Set<String> options = complete(script, "poplar user list --");
        assertTrue(options.containsAll(List.of("--prefix", "--page-size", "--config", "--help")), options.toString());
    }

    /** The names under "Commands:" in the usage of {@code poplar COMMAND --help}. */
    private Set<String> commandsInHelp(String command) throws Exception {
        String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        String usage = CliProcess.run(dir.resolve("data"), Map.of(), null, args).out();
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  ([a-z][a-z-]*)\\b").matcher(usage.substring(usage.indexOf("Commands:")));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(names.size() > 2, usage);
        return names;
    }

    /** What bash offers for {@code line} (the cursor at its end), as readline would ask. */
    private static Set<String> complete(Path script, String line) throws Exception {
        List<String> words = Arrays.asList(line.split(" ", -1));
        String program = "source '" + script + "'\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "\n"
                + "COMP_WORDS=("
                + String.join(" ", words.stream().map(w -> "'" + w + "'").toList()) + ")\n"
                + "COMP_CWORD=" + (words.size() - 1) + "\n"
                + "fn=$(complete -p poplar | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n"
                + "\"$fn\" poplar '" + words.getLast() + "' '" + words.get(words.size() - 2) + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", program).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        Set<String> offered = new TreeSet<>();
        for (String s : out.split("\n")) {
            if (!s.isBlank()) {
                offered.add(s.strip());
            }
        }
        return offered;
    }
}

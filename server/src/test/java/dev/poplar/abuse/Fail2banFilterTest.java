package dev.poplar.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.log.JsonLogFormatter;
import dev.poplar.log.SessionLog;
import dev.poplar.testing.LineClient;
import dev.poplar.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ops/fail2ban/filter.d/poplar.conf matches the failed-login lines the server really writes. */
class Fail2banFilterTest {
    @TempDir
    Path dir;

    /** The filter's failregex lines with fail2ban's &lt;HOST&gt; as a named group. */
    static List<Pattern> failRegexes() throws Exception {
        List<Pattern> out = new ArrayList<>();
        boolean inFail = false;
        for (String line : Files.readAllLines(Path.of("../ops/fail2ban/filter.d/poplar.conf"))) {
            if (line.startsWith("failregex")) {
                inFail = true;
                line = line.substring(line.indexOf('=') + 1);
            } else if (!line.startsWith(" ")) {
                inFail = false;
            }
            if (inFail && !line.isBlank()) {
                out.add(Pattern.compile(line.trim().replace("<HOST>", "(?<host>[0-9a-fA-F.:]+)")));
            }
        }
        return out;
    }

    private List<String> failedLoginLines(SessionLog.Format format) throws Exception {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage().contains("auth_failed")) {
                    lines.add((format == SessionLog.Format.JSON
                                    ? new JsonLogFormatter().format(r)
                                    : "2026-11-26T07:00:00.000Z WARNING dev.poplar.auth " + r.getMessage())
                            .trim());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger("").addHandler(capture);
        try (TestServer s = TestServer.start(
                        dir.resolve(format.name()),
                        "POPLAR_LOG_FORMAT",
                        format.name().toLowerCase());
                LineClient c = new LineClient(s.pop3Port(), "127.0.0.9")) {
            c.line();
            c.send("USER someone\r\nPASS wrong password\r\n");
            c.line();
            c.line();
        } finally {
            Logger.getLogger("").removeHandler(capture);
            SessionLog.setFormat(SessionLog.Format.TEXT);
        }
        return lines;
    }

    @Test
    void matchesTextAndJsonLinesAndExtractsTheAddress() throws Exception {
        List<Pattern> regexes = failRegexes();
        assertEquals(2, regexes.size());
        for (SessionLog.Format f : SessionLog.Format.values()) {
            List<String> lines = failedLoginLines(f);
            assertEquals(1, lines.size(), f + ": " + lines);
            String line = lines.getFirst();
            assertFalse(line.contains("wrong password"), "no password in the line");
            boolean matched = false;
            for (Pattern p : regexes) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    assertEquals("127.0.0.9", m.group("host"), line);
                    matched = true;
                }
            }
            assertTrue(matched, f + " line not matched: " + line);
        }
    }
}

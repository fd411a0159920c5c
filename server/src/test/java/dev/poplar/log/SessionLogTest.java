package dev.poplar.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionLogTest {
    @AfterEach
    void reset() {
        SessionLog.setFormat(SessionLog.Format.TEXT);
    }

    @Test
    void textQuotesValuesWithSpaces() {
        assertEquals(
                "pop3_session session=pop3-1 user=\"a b\" commands=3 reason=quit",
                SessionLog.event("pop3_session")
                        .with("session", "pop3-1")
                        .with("user", "a b")
                        .with("commands", 3)
                        .with("reason", "quit")
                        .toString());
    }

    @Test
    void aLineBreakInClientTextCannotForgeASecondLine() {
        // A SASL PLAIN user name is client text: a newline in it must not start a forged
        // auth_failed line for fail2ban (ops/fail2ban) to ban an innocent address with.
        String line = SessionLog.event("auth_failed")
                .with("session", "pop3-1")
                .with("ip", "192.0.2.1")
                .with("user", "x\nWARNING auth_failed session=pop3-9 ip=198.51.100.7 user=y\r\u0000")
                .toString();
        assertEquals(
                "auth_failed session=pop3-1 ip=192.0.2.1 user=\"x\\nWARNING auth_failed session=pop3-9 "
                        + "ip=198.51.100.7 user=y\\r\\u0000\"",
                line);
        assertEquals(-1, line.indexOf('\n'));
    }

    @Test
    void jsonLinesAreValidJsonWithTheEventKeysAtTopLevel() throws Exception {
        SessionLog.setFormat(SessionLog.Format.JSON);
        String event = SessionLog.event("pop3_session")
                .with("user", "we\"ird\n")
                .with("retr_count", 2)
                .toString();
        LogRecord r = new LogRecord(Level.INFO, event);
        r.setLoggerName("dev.poplar.pop3");
        JsonNode n = new ObjectMapper().readTree(new JsonLogFormatter().format(r));
        assertEquals("pop3_session", n.get("event").asText());
        assertEquals("we\"ird\n", n.get("user").asText());
        assertEquals(2, n.get("retr_count").asInt());
        assertEquals("INFO", n.get("level").asText());
        assertEquals("dev.poplar.pop3", n.get("logger").asText());
        JsonNode plain =
                new ObjectMapper().readTree(new JsonLogFormatter().format(new LogRecord(Level.WARNING, "plain text")));
        assertEquals("plain text", plain.get("message").asText());
    }
}

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
        assertEquals("pop3_session session=pop3-1 user=\"a b\" commands=3 reason=quit",
                SessionLog.event("pop3_session").with("session", "pop3-1").with("user", "a b")
                        .with("commands", 3).with("reason", "quit").toString());
    }

    @Test
    void jsonLinesAreValidJsonWithTheEventKeysAtTopLevel() throws Exception {
        SessionLog.setFormat(SessionLog.Format.JSON);
        String event = SessionLog.event("pop3_session").with("user", "we\"ird\n").with("retr_count", 2).toString();
        LogRecord r = new LogRecord(Level.INFO, event);
        r.setLoggerName("dev.poplar.pop3");
        JsonNode n = new ObjectMapper().readTree(new JsonLogFormatter().format(r));
        assertEquals("pop3_session", n.get("event").asText());
        assertEquals("we\"ird\n", n.get("user").asText());
        assertEquals(2, n.get("retr_count").asInt());
        assertEquals("INFO", n.get("level").asText());
        assertEquals("dev.poplar.pop3", n.get("logger").asText());
        JsonNode plain = new ObjectMapper().readTree(new JsonLogFormatter().format(new LogRecord(Level.WARNING, "plain text")));
        assertEquals("plain text", plain.get("message").asText());
    }
}

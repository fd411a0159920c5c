package dev.poplar.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log record: {"ts","level","logger", then the event's own keys, or
 * "message"}. Installed on the root handlers when poplar.log.format is json.
 */
public final class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(256).append("{\"ts\":");
        Json.string(sb, Instant.ofEpochMilli(r.getMillis()).toString());
        sb.append(",\"level\":");
        Json.string(sb, r.getLevel().getName());
        sb.append(",\"logger\":");
        Json.string(sb, String.valueOf(r.getLoggerName()));
        String message = formatMessage(r);
        if (message.startsWith("{\"event\":")) {
            sb.append(',').append(message, 1, message.length() - 1); // splice the event's keys in
        } else {
            sb.append(",\"message\":");
            Json.string(sb, message);
        }
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            sb.append(",\"exception\":");
            Json.string(sb, w.toString());
        }
        return sb.append("}\n").toString();
    }
}

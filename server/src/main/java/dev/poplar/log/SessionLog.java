package dev.poplar.log;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured log events: an event name and stable keys, printed as {@code event k=v k=v} or as
 * one JSON object ({@code poplar.log.format}). Values never include credentials.
 */
public final class SessionLog {
    public enum Format {
        TEXT,
        JSON
    }

    private static volatile Format format = Format.TEXT;

    private final String event;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private SessionLog(String event) {
        this.event = event;
    }

    public static void setFormat(Format f) {
        format = f;
    }

    public static SessionLog event(String name) {
        return new SessionLog(name);
    }

    public SessionLog with(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        return format == Format.JSON ? json() : text();
    }

    private String text() {
        StringBuilder sb = new StringBuilder(event);
        fields.forEach((k, v) -> {
            String s = String.valueOf(v);
            sb.append(' ').append(k).append('=');
            if (needsQuotes(s)) {
                quoted(sb, s);
            } else {
                sb.append(s);
            }
        });
        return sb.toString();
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Client text (a claimed user name) may hold a line break: quoted and escaped as a JSON string
     * is, so one event stays one line and nobody can forge an auth_failed line for fail2ban to
     * ban someone else with.
     */
    private static void quoted(StringBuilder sb, String s) {
        Json.string(sb, s);
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\"event\":");
        Json.string(sb, event);
        fields.forEach((k, v) -> {
            sb.append(',');
            Json.string(sb, k);
            sb.append(':');
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                Json.string(sb, String.valueOf(v));
            }
        });
        return sb.append('}').toString();
    }
}

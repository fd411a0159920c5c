package dev.poplar.testing;

/** Test messages. */
public final class Messages {
    private Messages() {}

    public static String simple(int n) {
        return "From: sender@example.org\r\nTo: user@example.org\r\nSubject: message " + n + "\r\n\r\n"
                + "Line one of message " + n + "\r\n.starts with a dot\r\n..two dots\r\nlast line\r\n";
    }

    /** A message with {@code bodyLines} numbered body lines. */
    public static String withBodyLines(int bodyLines) {
        StringBuilder sb = new StringBuilder("Subject: numbered\r\nX-Test: yes\r\n\r\n");
        for (int i = 1; i <= bodyLines; i++) {
            sb.append("body line ").append(i).append("\r\n");
        }
        return sb.toString();
    }
}

package dev.poplar.migrate;

import dev.poplar.storage.Uidl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Any live POP3 server as a migration source (Cyrus, Exchange, a hosted provider: whatever speaks
 * RFC 1939 with UIDL): per user it logs in, takes UIDL and LIST, and RETRs each message the
 * mailbox lacks, checking that the octets sent equal what LIST announced. It never sends DELE:
 * the source is left as it was. A connection lost mid-RETR stores nothing of that message; a
 * rerun picks it up. The received time is the newest Received: header's date.
 *
 * <p>{@code pop3://host:port} is clear text, {@code pop3s://} implicit TLS (RFC 8314) and
 * {@code pop3://...?stls} switches with STLS (RFC 2595); certificates are checked against the
 * JDK's trust store and the host name.
 */
public final class Pop3Pull implements Migrator.Source {
    private static final int TIMEOUT_MILLIS = 60_000;

    private final String host;
    private final int port;
    private final boolean implicitTls;
    private final boolean stls;
    private final Map<String, String> passwords;
    private final String masterUser;
    private final String masterPassword;
    private final long maxMessageOctets;

    /**
     * @param passwords   user to password; with a master user, the users to migrate (passwords unused)
     * @param masterUser  Dovecot-style master login ({@code user*master}), or null
     */
    public Pop3Pull(
            URI from, Map<String, String> passwords, String masterUser, String masterPassword, long maxMessageOctets) {
        String scheme = from.getScheme() == null ? "" : from.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("pop3") && !scheme.equals("pop3s") || from.getHost() == null) {
            throw new IllegalArgumentException(
                    "--from must be pop3://host[:port][?stls] or pop3s://host[:port], not " + from);
        }
        this.host = from.getHost();
        this.implicitTls = scheme.equals("pop3s");
        this.port = from.getPort() > 0 ? from.getPort() : implicitTls ? 995 : 110;
        this.stls = "stls".equals(from.getQuery());
        // In the users file's order; with a master user the values are null (Map.copyOf refuses those).
        this.passwords = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(passwords));
        this.masterUser = masterUser;
        this.masterPassword = masterPassword;
        this.maxMessageOctets = maxMessageOctets;
    }

    public List<String> users() {
        return List.copyOf(passwords.keySet());
    }

    @Override
    public SourceListing list(String user) throws IOException {
        Connection c = new Connection();
        try {
            c.login(
                    masterUser == null ? user : user + "*" + masterUser,
                    masterUser == null ? passwords.get(user) : masterPassword);
            Map<Integer, String> uidls = c.multiLineMap("UIDL");
            Map<Integer, String> sizes = c.multiLineMap("LIST");
            List<SourceMessage> messages = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (var e : sizes.entrySet()) {
                int n = e.getKey();
                String uidl = uidls.get(n);
                String where = "message " + n + " on " + host;
                if (uidl == null) {
                    problems.add(where + ": the server gave no UIDL for it; not migrated");
                } else if (!Uidl.isValid(uidl)) {
                    problems.add(where + ": its UIDL '" + uidl
                            + "' breaks RFC 1939 (1-70 characters 0x21-0x7E); not migrated");
                } else if (!seen.add(uidl)) {
                    problems.add(
                            where + ": UIDL " + uidl + " is used twice in the source; only the first was migrated");
                } else {
                    long octets = Long.parseLong(e.getValue().split(" ")[0]);
                    messages.add(new Pop3Message(c, n, uidl, octets, where));
                }
            }
            return new SourceListing(messages, problems, c::quit);
        } catch (IOException | RuntimeException e) {
            c.abort();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** One message on the server, fetched when its turn comes. */
    private record Pop3Message(Connection c, int number, String uidl, long octets, String where)
            implements SourceMessage {
        @Override
        public Fetched fetch() throws IOException {
            byte[] raw = c.retr(number, octets);
            return new Fetched(raw, receivedTime(raw));
        }
    }

    /** One POP3 session with the old server. */
    private final class Connection {
        private Socket socket;
        private InputStream in;
        /** The last line read was longer than the size limit and was cut. */
        private boolean truncated;

        private OutputStream out;

        Connection() throws IOException {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            socket = implicitTls ? tls(plain) : plain;
            streams();
            expectOk(line(), "greeting");
            if (stls && !implicitTls) {
                command("STLS");
                socket = tls(socket);
                streams();
            }
        }

        private void streams() throws IOException {
            in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }

        private SSLSocket tls(Socket s) throws IOException {
            SSLSocket t =
                    (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
            SSLParameters p = t.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // check the host name, as a mail client does
            t.setSSLParameters(p);
            t.startHandshake();
            return t;
        }

        void login(String user, String password) throws IOException {
            if (password == null) {
                throw new IOException("no password for this user in the users file");
            }
            command("USER " + user);
            String r = send("PASS " + password);
            if (!r.startsWith("+OK")) {
                throw new IOException("the old server refused the login: " + r);
            }
        }

        /** A multi-line reply of "n value" lines (UIDL, LIST) as a map in message order. */
        Map<Integer, String> multiLineMap(String cmd) throws IOException {
            command(cmd);
            Map<Integer, String> map = new LinkedHashMap<>();
            for (String l; !(l = line()).equals("."); ) {
                int space = l.indexOf(' ');
                if (space > 0 && l.substring(0, space).matches("\\d{1,9}")) {
                    map.put(
                            Integer.parseInt(l.substring(0, space)),
                            l.substring(space + 1).trim());
                }
            }
            return map;
        }

        /**
         * The message, un-dot-stuffed with CRLF line ends; its size must be what LIST said. One
         * far over the size limit is read to its end and dropped, so the session stays in step
         * for the next RETR.
         */
        byte[] retr(int n, long listed) throws IOException {
            command("RETR " + n);
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            long octets = 0;
            long limit = maxMessageOctets + 2 * 65536;
            for (byte[] l; (l = rawLine()) != null; ) {
                if (l.length == 1 && l[0] == '.') {
                    if (octets > limit) {
                        throw new SourceMessage.Unusable("over poplar.lmtp.max-message-size; not migrated");
                    }
                    if (octets != listed) {
                        throw new SourceMessage.Unusable(
                                "RETR sent " + octets + " octets where LIST said " + listed + "; not migrated");
                    }
                    return msg.toByteArray();
                }
                int skip = l.length > 0 && l[0] == '.' ? 1 : 0; // RFC 1939 section 3: byte-stuffing
                octets += truncated ? limit + 1 : l.length - skip + 2;
                if (octets <= limit) {
                    msg.write(l, skip, l.length - skip);
                    msg.write('\r');
                    msg.write('\n');
                } else {
                    msg.reset(); // past the limit: read on to the end, keep nothing
                }
            }
            throw new IOException("the old server closed the connection in the middle of RETR " + n);
        }

        private void command(String c) throws IOException {
            expectOk(send(c), c.startsWith("PASS") ? "PASS" : c);
        }

        private String send(String c) throws IOException {
            out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return line();
        }

        private void expectOk(String reply, String what) throws IOException {
            if (!reply.startsWith("+OK")) {
                throw new IOException("the old server answered " + what + " with: "
                        + (reply.length() > 100 ? reply.substring(0, 100) + "..." : reply));
            }
        }

        private String line() throws IOException {
            byte[] l = rawLine();
            if (l == null) {
                throw new IOException("the old server closed the connection");
            }
            return new String(l, StandardCharsets.UTF_8);
        }

        /**
         * A line without its CRLF (or LF); null at end of input. What goes beyond the size limit
         * is read but not kept ({@link #truncated} says so), so the session stays in step.
         */
        private byte[] rawLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            truncated = false;
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') {
                    byte[] l = b.toByteArray();
                    int len = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                    return len == l.length ? l : java.util.Arrays.copyOf(l, len);
                }
                if (b.size() <= maxMessageOctets) {
                    b.write(c);
                } else {
                    truncated = true;
                }
            }
            return null;
        }

        void quit() {
            try {
                send("QUIT");
            } catch (IOException ignored) {
                // leaving anyway; QUIT without DELE changes nothing at the source
            }
            abort();
        }

        void abort() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** The newest date among the Received: headers (RFC 5321 section 4.4: after the last ';'), else Date:, else now. */
    static long receivedTime(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String header = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " ");
        long newest = 0;
        long date = 0;
        for (String line : header.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("received:") && line.lastIndexOf(';') > 0) {
                newest = Math.max(newest, parse(line.substring(line.lastIndexOf(';') + 1)));
            } else if (lower.startsWith("date:")) {
                date = parse(line.substring(5));
            }
        }
        return newest > 0 ? newest : date > 0 ? date : System.currentTimeMillis();
    }

    private static long parse(String s) {
        String t = s.replaceAll("\\([^)]*\\)", "").trim().replaceAll("\\s+", " ");
        try {
            return ZonedDateTime.parse(t, RFC_5322).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}

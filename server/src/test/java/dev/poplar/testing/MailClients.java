package dev.poplar.testing;

import org.apache.commons.net.pop3.POP3Client;

/** One-shot exchanges with a test server, as a mail client and an MTA would have them. */
public final class MailClients {
    private MailClients() {}

    /** USER/PASS over commons-net, QUIT when logged in: the reply line to PASS. */
    public static String login(TestServer s, String user, String password) throws Exception {
        POP3Client c = new POP3Client();
        c.connect("127.0.0.1", s.pop3Port());
        try {
            boolean in = c.login(user, password);
            String reply = c.getReplyString().strip();
            if (in) {
                c.logout(); // QUIT: the maildrop is free for the next login at once
            }
            return reply;
        } finally {
            c.disconnect();
        }
    }

    /** LHLO, MAIL, one RCPT over LMTP: the reply line to RCPT. */
    public static String rcpt(TestServer s, String address) throws Exception {
        try (LineClient lmtp = new LineClient(s.lmtpPort())) {
            lmtp.line();
            lmtp.send("LHLO mx.test\r\n");
            while (!lmtp.line().startsWith("250 ")) {}
            lmtp.send("MAIL FROM:<a@b.test>\r\n");
            lmtp.line();
            lmtp.send("RCPT TO:<" + address + ">\r\n");
            return lmtp.line();
        }
    }

    /** The Subject of every message in a logged-in session's maildrop, in order (RETR of each). */
    public static java.util.List<String> subjects(org.apache.commons.net.pop3.POP3Client c) throws java.io.IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        int n = c.status().number;
        for (int m = 1; m <= n; m++) {
            try (java.io.BufferedReader r = new java.io.BufferedReader(c.retrieveMessage(m))) {
                r.lines().filter(l -> l.startsWith("Subject: ")).forEach(l -> out.add(l.substring(9)));
            }
        }
        return out;
    }
}

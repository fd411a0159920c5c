package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.poplar.testing.Messages;
import dev.poplar.testing.TestServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second independent client: Angus Mail's POP3 provider (what Java mail apps use). */
class AngusMailTest {
    @TempDir
    Path dir;

    @Test
    void readsUidsAndDeletesThroughJakartaMail() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            server.addUser("dora", "explorer");
            for (int i = 1; i <= 4; i++) {
                server.deliver("dora", Messages.simple(i));
            }
            Properties p = new Properties();
            p.put("mail.pop3.host", "127.0.0.1");
            p.put("mail.pop3.port", Integer.toString(server.pop3Port()));
            p.put("mail.pop3.timeout", "20000");
            p.put("mail.pop3.connectiontimeout", "20000");
            Session session = Session.getInstance(p);
            Store store = session.getStore("pop3");
            store.connect("dora", "explorer");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertEquals(4, inbox.getMessageCount());
            Message[] messages = inbox.getMessages();
            for (int i = 0; i < messages.length; i++) {
                assertEquals("message " + (i + 1), messages[i].getSubject());
                String content = ((String) messages[i].getContent()).replace("\r\n", "\n");
                assertEquals(
                        "Line one of message " + (i + 1) + "\n.starts with a dot\n..two dots\nlast line\n", content);
                String uid = ((POP3Folder) inbox).getUID(messages[i]);
                assertEquals(true, uid != null && !uid.isEmpty());
            }
            messages[0].setFlag(Flags.Flag.DELETED, true);
            messages[2].setFlag(Flags.Flag.DELETED, true);
            inbox.close(true); // expunge: DELE + QUIT
            store.close();
            assertEquals(2, server.admin().stats("dora").messages());
        }
    }
}

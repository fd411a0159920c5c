package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.net.Connection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 2449 section 6.6 PIPELINING: replies to a batch that arrived together leave in one write,
 * not one write per reply. Counts the session's writes to its socket.
 */
class PipelineFlushTest {
    @Test
    void aPipelinedBatchIsWrittenOnceNotPerReply() throws Exception {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            batch.append("USER bob\r\n");
        }
        batch.append("QUIT\r\n");
        InputStream in = new ByteArrayInputStream(batch.toString().getBytes(StandardCharsets.US_ASCII));
        int[] writes = {0};
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                writes[0]++;
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes[0]++;
                sink.write(b, off, len);
            }
        };
        Socket socket = new Socket() {
            @Override
            public java.net.InetAddress getInetAddress() {
                return java.net.InetAddress.getLoopbackAddress();
            }

            @Override
            public InputStream getInputStream() {
                return in;
            }

            @Override
            public OutputStream getOutputStream() {
                return out;
            }

            @Override
            public void setSoTimeout(int timeout) {}
        };
        Connection connection = new Connection() {
            public String id() {
                return "test";
            }

            public Socket socket() {
                return socket;
            }

            public String clientAddress() {
                return "127.0.0.1";
            }

            public java.net.InetAddress clientInetAddress() {
                return java.net.InetAddress.getLoopbackAddress();
            }

            public String listener() {
                return "pop3";
            }

            public Interruption interruption() {
                return Interruption.NONE;
            }

            public void publish(String user, String state, long in, long out) {}

            public void writeStarted(long nanoTime) {}
        };
        try (dev.poplar.storage.memory.MemoryMailStore store = new dev.poplar.storage.memory.MemoryMailStore()) {
            Authenticator authenticator = new Authenticator(store, new PasswordHasher(1000));
            Pop3Service service = new Pop3Service(
                    store,
                    authenticator,
                    new dev.poplar.auth.sasl.SaslMechanisms(
                            authenticator,
                            java.util.Optional.empty(),
                            java.util.List.of(dev.poplar.auth.sasl.SaslMechanism.PLAIN)),
                    dev.poplar.abuse.LoginPolicy.open(),
                    Pop3Harness.settings(),
                    dev.poplar.pop3.Pop3Meters.detached(),
                    false);
            service.handle(connection);
        }
        String replies = sink.toString(StandardCharsets.US_ASCII);
        assertEquals(1002, replies.split("\r\n").length, "greeting, 1000 USER replies, QUIT");
        // 1,000 replies of ~40 bytes fill a few 8 KiB buffers; one write per reply would be 1,002.
        assertTrue(writes[0] <= 8, "writes: " + writes[0]);
    }
}

package dev.poplar.pop3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.poplar.testing.TestTls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.apache.commons.net.pop3.POP3SClient;

/** The contract over STLS (RFC 2595): plain connect, then TLS before login. */
class StlsPop3Test extends AbstractPop3ContractTest {
    /** BoringSSL: what poplar.tls.provider=auto picks on Linux x86-64. */
    @Override
    String[] serverSettings() {
        return new String[] {"POPLAR_TLS_PROVIDER", "openssl"};
    }

    @Override
    POP3SClient connect(int port) throws IOException {
        POP3SClient c = new POP3SClient(false);
        try {
            c.setTrustManager(TestTls.trusting(TestTls.devCertificate(server.dataDir())));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        c.setDefaultTimeout(20_000);
        c.connect("127.0.0.1", port);
        c.setSoTimeout(20_000);
        assertTrue(c.execTLS(), "STLS: " + c.getReplyString());
        return c;
    }
}

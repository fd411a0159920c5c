package dev.poplar.pop3;

import dev.poplar.testing.TestTls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.apache.commons.net.pop3.POP3SClient;

/** The contract over implicit TLS (RFC 8314, the POP3S port). */
class ImplicitTlsPop3Test extends AbstractPop3ContractTest {
    /** BoringSSL: what poplar.tls.provider=auto picks on Linux x86-64. */
    @Override
    String[] serverSettings() {
        return new String[] {"POPLAR_TLS_PROVIDER", "openssl"};
    }

    @Override
    POP3SClient connect(int port) throws IOException {
        POP3SClient c = new POP3SClient(true);
        try {
            c.setTrustManager(TestTls.trusting(TestTls.devCertificate(server.dataDir())));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        c.setDefaultTimeout(20_000);
        c.connect("127.0.0.1", server.pop3sPort());
        c.setSoTimeout(20_000);
        return c;
    }
}

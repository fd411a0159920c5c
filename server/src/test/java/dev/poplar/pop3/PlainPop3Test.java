package dev.poplar.pop3;

import java.io.IOException;
import org.apache.commons.net.pop3.POP3Client;

/** The contract over plain TCP. */
class PlainPop3Test extends AbstractPop3ContractTest {
    @Override
    POP3Client connect(int port) throws IOException {
        POP3Client c = new POP3Client();
        c.setDefaultTimeout(20_000);
        c.connect("127.0.0.1", port);
        c.setSoTimeout(20_000);
        return c;
    }
}

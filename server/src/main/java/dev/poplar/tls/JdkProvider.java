package dev.poplar.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** The JDK's TLS (SunJSSE): pure Java, no native code, always there. */
final class JdkProvider implements TlsProvider {
    private final SSLContext context;

    JdkProvider(List<CertifiedKey> pairs) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(CertifiedKey.keyStore(pairs), CertifiedKey.storePassword());
        context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
    }

    @Override
    public TlsSocket wrap(Socket raw) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory()
                .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        s.setUseClientMode(false);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(TlsContext.PROTOCOLS);
        List<String> have = List.of(s.getSupportedCipherSuites());
        p.setCipherSuites(
                Arrays.stream(TlsContext.CIPHERS).filter(have::contains).toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        s.setSSLParameters(p);
        return new JdkTls(s);
    }

    @Override
    public void close() {
        // nothing native: the garbage collector has it
    }
}

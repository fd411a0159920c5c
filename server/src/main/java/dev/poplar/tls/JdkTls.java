package dev.poplar.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/** The JDK's own TLS (SunJSSE): its {@code SSLSocket} layered over the accepted socket (or the load generator's). */
public record JdkTls(SSLSocket socket) implements TlsSocket {
    @Override
    public void handshake() throws IOException {
        socket.startHandshake();
    }

    @Override
    public InputStream input() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public String protocol() {
        return socket.getSession().getProtocol();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

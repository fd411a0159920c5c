package dev.poplar.directory.ldap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets that check the server's certificate names the host Poplar connected to (RFC 4513
 * section 3.1.3, RFC 6125), by the JDK's own endpoint identification ("LDAPS"): chaining to a
 * trusted CA is not enough, or any certificate that CA ever issued would do. Used for ldaps://
 * and for StartTLS, which wraps an open connection with {@link #createSocket(Socket, String, int, boolean)}.
 */
final class HostCheckingSockets extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    HostCheckingSockets(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    private static Socket checked(Socket s) {
        if (s instanceof SSLSocket tls) {
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("LDAPS");
            tls.setSSLParameters(p);
        }
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        return checked(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return checked(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return checked(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return checked(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return checked(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return checked(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}

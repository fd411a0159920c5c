package dev.poplar.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager for a BoringSSL context whose certificates are all credentials on the context
 * (OpenSslProvider with two pairs). netty's server context always asks a key manager at each
 * handshake; this one names an alias without a chain, so netty sets no key material of its own
 * and BoringSSL chooses among the credentials.
 */
final class CredentialsOnlyKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "credentials";

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    /** No chain: netty then leaves the choice to BoringSSL. */
    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server: no client certificates
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}

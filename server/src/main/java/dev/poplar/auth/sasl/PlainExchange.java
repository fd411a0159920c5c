package dev.poplar.auth.sasl;

import dev.poplar.auth.Authenticator;
import dev.poplar.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** SASL PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd, in one response. */
final class PlainExchange implements SaslExchange {
    private final Authenticator authenticator;

    PlainExchange(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Step start(byte[] initialResponse) throws StoreException {
        return initialResponse == null ? new Step.Challenge(new byte[0]) : next(initialResponse);
    }

    @Override
    public Step next(byte[] response) throws StoreException {
        String s = new String(response, StandardCharsets.UTF_8);
        int first = s.indexOf('\0');
        int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
        if (first < 0 || second < 0) {
            return new Step.Failure("-", "malformed PLAIN response");
        }
        String authzid = s.substring(0, first);
        String authcid = s.substring(first + 1, second);
        String password = s.substring(second + 1);
        Optional<String> account = authenticator.authenticate(authcid, password);
        if (account.isEmpty()) {
            return new Step.Failure(authcid, "bad credentials");
        }
        // Acting as another user (authzid) is a privilege Poplar does not grant.
        if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(account.get())) {
            return new Step.Failure(authcid, "authorization identity differs from the authenticated user");
        }
        return new Step.Success(account.get());
    }
}

package dev.poplar.auth.sasl;

import dev.poplar.auth.Authenticator;
import dev.poplar.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * SASL LOGIN (draft-murchison-sasl-login, what Outlook sends): "Username:" then "Password:".
 * An initial response, when given, is the user name.
 */
final class LoginExchange implements SaslExchange {
    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private final Authenticator authenticator;
    private String user;

    LoginExchange(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Step start(byte[] initialResponse) throws StoreException {
        if (initialResponse == null || initialResponse.length == 0) {
            return new Step.Challenge(USERNAME);
        }
        return next(initialResponse);
    }

    @Override
    public Step next(byte[] response) throws StoreException {
        String s = new String(response, StandardCharsets.UTF_8);
        if (user == null) {
            user = s;
            return new Step.Challenge(PASSWORD);
        }
        Optional<String> account = authenticator.authenticate(user, s);
        return account.<Step>map(Step.Success::new).orElseGet(() -> new Step.Failure(user, "bad credentials"));
    }
}

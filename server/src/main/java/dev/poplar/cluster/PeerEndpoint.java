package dev.poplar.cluster;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.UserPlacement;
import dev.poplar.auth.Authenticator;
import dev.poplar.proxy.AuthEscaping;
import dev.poplar.proxy.AuthHttpService;
import dev.poplar.proxy.SharedKey;
import dev.poplar.storage.StoreException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The answering side of {@link PeerClient}: on the auth_http listener, with the shared key. A
 * login is verified only by the node that owns the user in the directory (a node that no longer
 * does, mid-move, answers "unavailable"); no failure delay is applied here, because the node nginx
 * asked applies its own to the client's address.
 */
public final class PeerEndpoint implements AuthHttpService.Endpoint {
    private final SharedKey key;
    private final String self;
    private final ClusterView view;
    private final Authenticator authenticator;
    private final UserPlacement.Here here;

    public PeerEndpoint(
            SharedKey key, String self, ClusterView view, Authenticator authenticator, UserPlacement.Here here) {
        this.key = key;
        this.self = self;
        this.view = view;
        this.authenticator = authenticator;
        this.here = here;
    }

    @Override
    public Optional<Map<String, String>> answer(String path, Function<String, Optional<String>> header) {
        if (!key.matches(header)) {
            return Optional.empty();
        }
        return Optional.of(Map.of(
                PeerClient.RESULT,
                switch (path) {
                    case PeerClient.VERIFY -> verify(header);
                    case PeerClient.CREATE -> create(header);
                    case PeerClient.DELETE -> delete(header);
                    default -> "unavailable unknown call " + path;
                }));
    }

    private String verify(Function<String, Optional<String>> header) {
        String user = AuthEscaping.unescape(header.apply("Auth-User").orElse(""));
        String password = AuthEscaping.unescape(header.apply("Auth-Pass").orElse(""));
        String owner = view.owner(ClusterRouting.key(user)).orElse("");
        if (!owner.equals(self)) {
            return "unavailable not the owner";
        }
        try {
            return authenticator.authenticate(user, password).isPresent() ? "accepted" : "rejected";
        } catch (StoreException e) {
            return "unavailable " + e.getMessage();
        }
    }

    private String create(Function<String, Optional<String>> header) {
        String user = AuthEscaping.unescape(header.apply("X-Poplar-User").orElse(""));
        try {
            here.create(
                    user,
                    AuthEscaping.unescape(header.apply("X-Poplar-Password").orElse("")));
            return "created";
        } catch (AdminException e) {
            return switch (e.kind()) {
                case CONFLICT -> "exists";
                case INVALID, TOO_LARGE -> "invalid " + oneLine(e.getMessage());
                default -> "unavailable " + oneLine(e.getMessage());
            };
        }
    }

    private String delete(Function<String, Optional<String>> header) {
        try {
            return here.delete(
                            AuthEscaping.unescape(header.apply("X-Poplar-User").orElse("")))
                    ? "deleted"
                    : "absent";
        } catch (AdminException e) {
            return "unavailable " + oneLine(e.getMessage());
        }
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("[\\r\\n]+", " ");
    }
}

package dev.poplar.cluster;

import dev.poplar.admin.AdminException;
import dev.poplar.admin.AdminOperations;
import dev.poplar.admin.UserPlacement;
import dev.poplar.auth.Authenticator;
import dev.poplar.proxy.AuthEscaping;
import dev.poplar.proxy.AuthHttpService;
import dev.poplar.storage.AccountLimits;
import dev.poplar.storage.PasswordCredentials;
import dev.poplar.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The answering side of {@link PeerClient}, on the auth_http listener once the shared key
 * matched. A login is verified only by the node that owns the user in the directory (a node that
 * no longer does, mid-move, answers "unavailable"); no failure delay is applied here, because the
 * node nginx asked applies its own to the client's address. The copy calls (account, append,
 * digests) come from the owner of a mailbox being moved here.
 */
public final class PeerEndpoint implements AuthHttpService.PeerCalls {
    private final String self;
    private final ClusterView view;
    private final Authenticator authenticator;
    private final UserPlacement.Here here;
    private final MailboxMove moves;

    public PeerEndpoint(
            String self, ClusterView view, Authenticator authenticator, UserPlacement.Here here, MailboxMove moves) {
        this.self = self;
        this.view = view;
        this.authenticator = authenticator;
        this.here = here;
        this.moves = moves;
    }

    @Override
    public AuthHttpService.Reply answer(String path, Function<String, Optional<String>> header, byte[] body) {
        String user = AuthEscaping.unescape(header.apply("X-Poplar-User").orElse(""));
        try {
            return switch (path) {
                case PeerClient.VERIFY -> result(verify(header));
                case PeerClient.CREATE ->
                    result(create(
                            user,
                            AuthEscaping.unescape(
                                    header.apply("X-Poplar-Password").orElse(""))));
                case PeerClient.DELETE -> result(here.delete(user) ? "deleted" : "absent");
                case PeerClient.COPY_ACCOUNT -> result(copyAccount(user, header));
                case PeerClient.APPEND -> result(append(user, header, body));
                case PeerClient.DIGESTS -> digests(user);
                case PeerClient.MOVE -> result(move(user, header));
                default -> result("unavailable unknown call " + path);
            };
        } catch (AdminException e) {
            return result(
                    switch (e.kind()) {
                        case CONFLICT -> "exists";
                        case INVALID, TOO_LARGE, NOT_FOUND -> "invalid " + oneLine(e.getMessage());
                        default -> "unavailable " + oneLine(e.getMessage());
                    });
        } catch (RuntimeException e) {
            return result("invalid " + oneLine(String.valueOf(e.getMessage())));
        }
    }

    private static AuthHttpService.Reply result(String result) {
        return AuthHttpService.Reply.of(Map.of(PeerClient.RESULT, result));
    }

    private String verify(Function<String, Optional<String>> header) {
        String user = AuthEscaping.unescape(header.apply("Auth-User").orElse(""));
        String password = AuthEscaping.unescape(header.apply("Auth-Pass").orElse(""));
        String owner = view.owner(ClusterRouting.key(user)).orElse("");
        if (!owner.equals(self) || view.movingTo(ClusterRouting.key(user)).isPresent()) {
            return "unavailable not the owner";
        }
        try {
            return authenticator.authenticate(user, password).isPresent() ? "accepted" : "rejected";
        } catch (StoreException e) {
            return "unavailable " + e.getMessage();
        }
    }

    private String create(String user, String password) throws AdminException {
        here.create(user, password);
        return "created";
    }

    private String copyAccount(String user, Function<String, Optional<String>> header) throws AdminException {
        String[] c = header.apply("X-Poplar-Credentials").orElse("").split(":");
        String[] l = header.apply("X-Poplar-Limits").orElse("").split(":");
        if (c.length != 4 || l.length != 3) {
            return "invalid credentials or limits";
        }
        Base64.Decoder b64 = Base64.getDecoder();
        here.createCopy(
                user,
                new UserPlacement.AccountCopy(
                        new PasswordCredentials(
                                Integer.parseInt(c[0]), b64.decode(c[1]), b64.decode(c[2]), b64.decode(c[3])),
                        header.apply("X-Poplar-Imported-Hash")
                                .map(AuthEscaping::unescape)
                                .orElse(null),
                        new AccountLimits(Long.parseLong(l[0]), Long.parseLong(l[1]), Long.parseLong(l[2]))));
        return "created";
    }

    private String append(String user, Function<String, Optional<String>> header, byte[] body) throws AdminException {
        boolean stored = here.append(
                user,
                new AdminOperations.MigratedMessage(
                        header.apply("X-Poplar-Uidl").orElse(""),
                        Long.parseLong(header.apply("X-Poplar-Received").orElse("0")),
                        body));
        return stored ? "stored" : "present";
    }

    private AuthHttpService.Reply digests(String user) throws AdminException {
        StringBuilder out = new StringBuilder();
        for (AdminOperations.MessageSummary m : here.digests(user)) {
            out.append(m.uidl())
                    .append(' ')
                    .append(m.octets())
                    .append(' ')
                    .append(m.sha256())
                    .append('\n');
        }
        return new AuthHttpService.Reply(
                Map.of(PeerClient.RESULT, "ok"), out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private String move(String user, Function<String, Optional<String>> header) throws AdminException {
        if (moves == null) {
            return "unavailable this node cannot move mailboxes";
        }
        try {
            MailboxMove.Moved m = moves.move(
                    user, AuthEscaping.unescape(header.apply("X-Poplar-Target").orElse("")));
            return "moved " + m.messages() + " " + m.octets();
        } catch (AdminException e) {
            return "failed " + e.kind().name() + " " + oneLine(e.getMessage());
        }
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("[\\r\\n]+", " ");
    }
}

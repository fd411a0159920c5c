package dev.poplar.pop3;

import dev.poplar.abuse.LoginDelay;
import dev.poplar.abuse.LoginGuard;
import dev.poplar.abuse.UserSessions;
import dev.poplar.auth.Authenticator;
import dev.poplar.auth.PasswordHasher;
import dev.poplar.auth.sasl.SaslMechanisms;
import dev.poplar.config.PoplarConfig;
import dev.poplar.session.Effect;
import dev.poplar.storage.Delivery;
import dev.poplar.storage.StoreException;
import dev.poplar.storage.WireMessageBuilder;
import dev.poplar.storage.memory.MemoryMailStore;
import dev.poplar.testing.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The POP3 step function on an in-memory store, driven line by line as a client would, with no
 * socket: the reply comes back as the text the wire would carry.
 */
final class Pop3Harness {
    final MemoryMailStore store;
    final Pop3Dispatcher dispatcher;
    final UserSessions userSessions;
    final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry;
    Pop3Peer peer;
    SessionState state = SessionState.Authorization.start();
    Effect effect = Effect.NONE;

    /** The defaults, with clear-text passwords allowed and PLAIN and SCRAM-SHA-256 offered. */
    static Pop3Settings settings(String... keysAndValues) {
        java.util.List<String> all = new java.util.ArrayList<>(List.of(
                "poplar.auth.allow-plaintext",
                "always",
                "poplar.auth.mechanisms",
                "PLAIN,SCRAM-SHA-256",
                "poplar.pop3.max-bad-commands",
                "10"));
        all.addAll(List.of(keysAndValues));
        PoplarConfig config = TestConfig.with(all.toArray(String[]::new));
        return new Pop3Settings(
                config.pop3(),
                config.auth(),
                "Poplar-test",
                Optional.empty(),
                Optional.empty(),
                "localhost",
                config.limits());
    }

    Pop3Harness() {
        this(settings(), LoginGuard.Settings.off(), Duration.ZERO, 10);
    }

    Pop3Harness(Pop3Settings settings, LoginGuard.Settings guard, Duration loginDelay, int sessionsPerUser) {
        store = new MemoryMailStore();
        Authenticator authenticator = new Authenticator(store, new PasswordHasher(1));
        userSessions = new UserSessions(sessionsPerUser);
        LoginDelay delay = new LoginDelay(loginDelay);
        registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Pop3Meters meters = new Pop3Meters(registry, "pop3");
        dispatcher = new Pop3Dispatcher(
                new AuthorizationCommands(
                        store,
                        store,
                        authenticator,
                        new SaslMechanisms(authenticator, Optional.empty(), settings.saslMechanisms()),
                        new LoginGuard(guard),
                        delay,
                        userSessions,
                        settings,
                        meters),
                new TransactionCommands(meters),
                new Capabilities(settings.implementation(), delay.seconds(), settings.limits()),
                settings);
        peer = new Pop3Peer("test-1", InetAddress.getLoopbackAddress(), false, Pop3Peer.CLEAR, null);
    }

    /** Another session of the same listener: the same store, dispatcher and process-wide policy. */
    private Pop3Harness(Pop3Harness first) {
        store = first.store;
        dispatcher = first.dispatcher;
        userSessions = first.userSessions;
        registry = first.registry;
        peer = first.peer;
    }

    Pop3Harness anotherSession() {
        return new Pop3Harness(this);
    }

    Pop3Harness user(String name, String password) throws StoreException {
        store.createAccount(name, new PasswordHasher(1).hash(password));
        return this;
    }

    Pop3Harness deliver(String user, String raw) throws StoreException {
        store.deliver(List.of(Delivery.of(user, "", WireMessageBuilder.fromRaw(raw.getBytes(StandardCharsets.UTF_8)))));
        return this;
    }

    /** A counter's value, e.g. count("poplar.auth.attempts", "mechanism", "user", "result", "success"). */
    double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    /** Sends one line (without its line end) and returns the reply as the wire would carry it. */
    String send(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        ParseResult input = state instanceof SessionState.Sasl
                ? new ParseResult.SaslResponse(line)
                : Pop3Parser.parseLine(bytes, bytes.length);
        return apply(input);
    }

    String apply(ParseResult input) {
        Pop3Step step = dispatcher.step(peer, state, input);
        state = step.next();
        effect = step.effect();
        return render(step.reply());
    }

    static String render(Reply reply) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplyWriter writer = new ReplyWriter(out);
        try {
            writer.write(reply);
            writer.flush();
        } catch (IOException | StoreException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** USER and PASS; asserts the login worked. */
    Pop3Harness login(String user, String password) {
        send("USER " + user);
        String reply = send("PASS " + password);
        if (!reply.startsWith("+OK")) {
            throw new AssertionError("login failed: " + reply);
        }
        return this;
    }

    /**
     * What the runtime does when the connection ends: give back the lease and the session slot;
     * the harness then stands for a new connection.
     */
    void disconnect() {
        if (state instanceof Transaction tx) {
            tx.maildrop().close();
            userSessions.release(tx.maildrop().user());
        }
        state = SessionState.Authorization.start();
    }
}

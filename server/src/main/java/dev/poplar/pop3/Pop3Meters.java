package dev.poplar.pop3;

import dev.poplar.metrics.Buckets;
import dev.poplar.net.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The POP3 meters, created once over closed label sets so the per-command path is two map
 * lookups and no allocation. Recorded by the session's dispatch point, never by handlers.
 */
public final class Pop3Meters {
    /** cmd_name values: the RFC 1939/2449 commands and "unknown". */
    public static final List<String> COMMANDS = java.util.stream.Stream.concat(
                    java.util.Arrays.stream(Pop3Keyword.values()).map(Pop3Keyword::name),
                    java.util.stream.Stream.of("unknown"))
            .toList();

    private record CommandMeters(Counter ok, Counter err, Timer duration) {}

    private final Map<String, CommandMeters> commands = new HashMap<>();
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final Timer sessionDuration;
    /** mechanism label values: "user" (USER/PASS), "apop" and the SASL mechanisms, lower case. */
    public static final List<String> MECHANISMS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("user", "apop"),
                    java.util.Arrays.stream(dev.poplar.auth.sasl.SaslMechanism.values())
                            .map(dev.poplar.auth.sasl.SaslMechanism::label))
            .toList();

    private record AuthMeters(Counter success, Counter failure, Counter error, Timer duration) {}

    private final Map<String, AuthMeters> auth = new HashMap<>();
    private final Counter lockConflicts;
    private final Counter retrMessages;
    private final Counter retrBytes;
    private final Counter topMessages;
    private final Counter topBytes;
    private final Counter deletedMessages;
    private final Counter deletedBytes;
    private final Counter updateFailures;
    private final DistributionSummary maildropMessages;
    private final DistributionSummary maildropBytes;
    private final Counter receivedBytes;
    private final Counter sentBytes;
    private final Map<String, Counter> handshakes = new HashMap<>();

    public Pop3Meters(MeterRegistry registry, String listener) {
        for (String cmd : COMMANDS) {
            commands.put(
                    cmd,
                    new CommandMeters(
                            commandCounter(registry, cmd, "OK"),
                            commandCounter(registry, cmd, "ERR"),
                            Timer.builder("poplar.pop3.command.duration")
                                    .tag("cmd_name", cmd)
                                    .serviceLevelObjectives(Buckets.LATENCY)
                                    .description("Time to run a command and queue its reply")
                                    .register(registry)));
        }
        for (CloseReason r : CloseReason.values()) {
            closed.put(
                    r,
                    Counter.builder("poplar.sessions.closed")
                            .tag("listener", listener)
                            .tag("reason", r.label())
                            .description("Sessions ended, by reason")
                            .register(registry));
        }
        sessionDuration = Timer.builder("poplar.session.duration")
                .tag("listener", listener)
                .serviceLevelObjectives(Buckets.SESSION)
                .description("Session length")
                .register(registry);
        for (String mechanism : MECHANISMS) {
            auth.put(
                    mechanism,
                    new AuthMeters(
                            auth(registry, mechanism, "success"),
                            auth(registry, mechanism, "failure"),
                            auth(registry, mechanism, "error"),
                            Timer.builder("poplar.auth.duration")
                                    .tag("mechanism", mechanism)
                                    .serviceLevelObjectives(Buckets.LATENCY)
                                    .description("Credential check time (hashing included)")
                                    .register(registry)));
        }
        lockConflicts = Counter.builder("poplar.pop3.maildrop.lock.conflicts")
                .description("Logins refused with [IN-USE]")
                .register(registry);
        retrMessages = retrieved(registry, "messages", "RETR");
        retrBytes = retrievedBytes(registry, "RETR");
        topMessages = retrieved(registry, "messages", "TOP");
        topBytes = retrievedBytes(registry, "TOP");
        deletedMessages = Counter.builder("poplar.pop3.messages.deleted")
                .description("Messages removed in UPDATE")
                .register(registry);
        deletedBytes = Counter.builder("poplar.pop3.deleted")
                .baseUnit("bytes")
                .description("Octets removed in UPDATE")
                .register(registry);
        updateFailures = Counter.builder("poplar.pop3.update.failures")
                .description("QUITs whose deletions could not be applied")
                .register(registry);
        maildropMessages = DistributionSummary.builder("poplar.pop3.maildrop.messages")
                .serviceLevelObjectives(Buckets.MESSAGES)
                .description("Messages in the maildrop at login")
                .register(registry);
        maildropBytes = DistributionSummary.builder("poplar.pop3.maildrop.size")
                .baseUnit("bytes")
                .serviceLevelObjectives(Buckets.BYTES)
                .description("Maildrop size at login")
                .register(registry);
        receivedBytes = Counter.builder("poplar.received")
                .baseUnit("bytes")
                .tag("listener", listener)
                .description("Bytes read from clients")
                .register(registry);
        sentBytes = Counter.builder("poplar.sent")
                .baseUnit("bytes")
                .tag("listener", listener)
                .description("Bytes written to clients")
                .register(registry);
        for (String mode : List.of("stls", "implicit")) {
            for (String result : List.of("success", "failure")) {
                handshakes.put(
                        mode + result,
                        Counter.builder("poplar.tls.handshakes")
                                .tag("listener", listener)
                                .tag("mode", mode)
                                .tag("result", result)
                                .description("TLS handshakes")
                                .register(registry));
            }
        }
    }

    /** A TLS handshake; {@code mode} is "stls" or "implicit". */
    public void tlsHandshake(String mode, boolean ok) {
        handshakes.get(mode + (ok ? "success" : "failure")).increment();
    }

    /** Meters that go nowhere (unit tests of the engine). */
    public static Pop3Meters detached() {
        return new Pop3Meters(new SimpleMeterRegistry(), "pop3");
    }

    private static Counter commandCounter(MeterRegistry r, String cmd, String state) {
        return Counter.builder("poplar.pop3.commands")
                .tag("cmd_name", cmd)
                .tag("reply_state", state)
                .description("POP3 commands by name and reply")
                .register(r);
    }

    private static Counter auth(MeterRegistry r, String mechanism, String result) {
        return Counter.builder("poplar.auth.attempts")
                .tag("mechanism", mechanism)
                .tag("result", result)
                .description("Authentication attempts")
                .register(r);
    }

    private static Counter retrieved(MeterRegistry r, String what, String cmd) {
        return Counter.builder("poplar.pop3.messages.retrieved")
                .tag("cmd_name", cmd)
                .description("Messages sent by RETR and TOP")
                .register(r);
    }

    private static Counter retrievedBytes(MeterRegistry r, String cmd) {
        return Counter.builder("poplar.pop3.retrieved")
                .baseUnit("bytes")
                .tag("cmd_name", cmd)
                .description("Message octets sent by RETR and TOP")
                .register(r);
    }

    public void command(String cmdName, boolean ok, long nanos) {
        CommandMeters m = commands.getOrDefault(cmdName, commands.get("unknown"));
        (ok ? m.ok : m.err).increment();
        m.duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void sessionClosed(CloseReason reason, long nanos, long bytesIn, long bytesOut) {
        closed.get(reason).increment();
        sessionDuration.record(nanos, TimeUnit.NANOSECONDS);
        receivedBytes.increment(bytesIn);
        sentBytes.increment(bytesOut);
    }

    public enum AuthResult {
        SUCCESS,
        FAILURE,
        ERROR
    }

    /** One authentication attempt; {@code mechanism} is a {@link #MECHANISMS} value. */
    public void auth(String mechanism, AuthResult result, long nanos) {
        AuthMeters m = auth.get(mechanism);
        switch (result) {
            case SUCCESS -> m.success.increment();
            case FAILURE -> m.failure.increment();
            case ERROR -> m.error.increment();
        }
        m.duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void lockConflict() {
        lockConflicts.increment();
    }

    public void maildropAtLogin(int messages, long octets) {
        maildropMessages.record(messages);
        maildropBytes.record(octets);
    }

    public void retrieved(boolean top, long bytes) {
        (top ? topMessages : retrMessages).increment();
        (top ? topBytes : retrBytes).increment(bytes);
    }

    public void deleted(int messages, long octets) {
        deletedMessages.increment(messages);
        deletedBytes.increment(octets);
    }

    public void updateFailed() {
        updateFailures.increment();
    }
}

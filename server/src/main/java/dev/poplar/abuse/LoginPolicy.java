package dev.poplar.abuse;

/**
 * The process-wide login policy: failure delays and bans, LOGIN-DELAY, and the per-user session
 * cap. Built once by the server and handed to every POP3 listener, so a client cannot double a
 * limit or dodge a delay by alternating between port 110 and port 995.
 */
public record LoginPolicy(LoginGuard guard, LoginDelay loginDelay, UserSessions userSessions) {
    /** No delays, no bans, no LOGIN-DELAY, no per-user cap (tests of the engine). */
    public static LoginPolicy open() {
        return new LoginPolicy(
                new LoginGuard(LoginGuard.Settings.off()),
                new LoginDelay(java.time.Duration.ZERO),
                new UserSessions(Integer.MAX_VALUE));
    }
}

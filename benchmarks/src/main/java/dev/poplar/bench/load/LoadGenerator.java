package dev.poplar.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * TCP load generator for any POP3/LMTP server (Poplar, Dovecot, ...). Virtual threads, one per
 * connection; HdrHistogram latencies; every reply verified (status, terminators, RETR octets
 * against LIST). Prints one JSON line.
 *
 * <pre>
 * java -jar poplar-bench.jar --scenario retr --pop3-port 1110 --connections 50 --duration 20s
 * java -jar poplar-bench.jar --scenario seed --lmtp-port 2424 --users 100 --messages 200 --big-user big --big-messages 10000
 * </pre>
 *
 * Scenarios: session (login, STAT, LIST, UIDL, RETR all, QUIT), retr (logged-in connections
 * looping RETR of random messages), list (LIST + UIDL of the big mailbox), login (connect,
 * USER/PASS, QUIT), idle (N logged-in connections held; the server's RSS read from /proc),
 * deliver (LMTP deliveries), seed (fill the mailboxes over LMTP), stat (connect, USER/PASS,
 * STAT, QUIT), prime (stat once for each of --users users, then stop: first logins, the hash cost).
 * handshake: connect, greeting, QUIT: with --tls, full TLS handshakes per second (--tls-resume
 * false) or resumed ones (true, the default; "resumed" counts them).
 * --tls none|implicit|stls (POP3S from the first byte, or STLS after the greeting), --tls-version
 * 1.3|1.2 (1.3): every POP3 scenario over TLS, replies verified as in plaintext; --tls-client
 * jdk|openssl (jdk): the client's TLS, the JDK's or BoringSSL (a third of the JDK's CPU per handshake).
 * --pipelining false sends PASS only after USER's reply (nginx's mail proxy does not announce
 * PIPELINING). With --random true, each login picks a random user of --users (else connection i uses user i).
 * With --rate N (login, stat, session, deliver), the connections together start N per second on
 * a fixed schedule, and each latency counts from the scheduled start (no coordinated omission):
 * an open-loop load such as a million users polling every 15 minutes (--rate 1111).
 */
public final class LoadGenerator {
    private final Map<String, String> opts;
    private final String host;
    private final Recorder latency = new Recorder(3);
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private volatile String lastError = "";

    private final TlsMode tls;
    /** --pipelining false: USER, wait, PASS (for servers and proxies that do not announce PIPELINING). */
    private final boolean pipelining;

    private LoadGenerator(Map<String, String> opts) {
        this.opts = opts;
        this.host = opts.getOrDefault("host", "127.0.0.1");
        this.pipelining = Boolean.parseBoolean(opts.getOrDefault("pipelining", "true"));
        this.tls = new TlsMode(
                opt("tls", "none"),
                opt("tls-version", "1.3"),
                Boolean.parseBoolean(opt("tls-resume", "true")),
                opt("tls-client", "jdk"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: --scenario NAME [--option value ...] (see the class comment)");
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        System.exit(new LoadGenerator(opts).run());
    }

    private String opt(String name, String dflt) {
        return opts.getOrDefault(name, dflt);
    }

    private int intOpt(String name, int dflt) {
        return Integer.parseInt(opt(name, Integer.toString(dflt)));
    }

    private static Duration duration(String s) {
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        return Duration.ofMillis((long) (Double.parseDouble(s.replace("s", "")) * 1000));
    }

    private String user(int i) {
        if (opt("random", "false").equals("true")) {
            return opt("user-prefix", "user") + ThreadLocalRandom.current().nextInt(intOpt("users", 100));
        }
        return opt("user-prefix", "user") + (i % intOpt("users", 100));
    }

    /** The scheduled start of this thread's next paced session (--rate), else unset. */
    private final ThreadLocal<long[]> schedule = new ThreadLocal<>();

    /** When the current session counts from: its scheduled start when paced, else now. */
    private long start() {
        long[] s = schedule.get();
        return s == null ? System.nanoTime() : s[0];
    }

    /** With --rate, sleeps until this thread's next scheduled start. */
    private void pace(int connections) throws InterruptedException {
        double rate = Double.parseDouble(opt("rate", "0"));
        if (rate <= 0) {
            return;
        }
        long interval = (long) (connections * 1e9 / rate);
        long[] s = schedule.get();
        if (s == null) {
            s = new long[] {System.nanoTime() + ThreadLocalRandom.current().nextLong(interval)};
            schedule.set(s);
        } else {
            s[0] += interval;
        }
        long wait = s[0] - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** One user after another, each once: the next index, or -1 when all are done. */
    private final java.util.concurrent.atomic.AtomicInteger primed = new java.util.concurrent.atomic.AtomicInteger();

    private int run() throws Exception {
        String scenario = opt("scenario", "session");
        int pop3 = intOpt("pop3-port", 1110);
        int lmtp = intOpt("lmtp-port", 2424);
        String password = opt("password", "pw");
        if (scenario.equals("seed")) {
            return seed(lmtp);
        }
        if (scenario.equals("idle")) {
            return idle(pop3, password);
        }
        int connections = intOpt("connections", 50);
        if (scenario.equals("prime")) {
            return prime(pop3, password, connections);
        }
        Duration warmup = duration(opt("warmup", "2s"));
        Duration measure = duration(opt("duration", "10s"));
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            threads.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        pace(connections);
                        switch (scenario) {
                            case "handshake" -> handshake(pop3);
                            case "login" -> login(pop3, user(id), password);
                            case "stat" -> stat(pop3, user(id), password);
                            case "session" -> session(pop3, user(id), password);
                            case "retr" -> retrLoop(pop3, user(id), password, stop);
                            case "list" -> listLoop(pop3, opt("big-user", "big"), password, stop);
                            case "deliver" -> deliverLoop(lmtp, stop);
                            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException | RuntimeException e) {
                        if (measuring.get()) {
                            errors.incrementAndGet();
                            lastError = e.toString();
                        }
                        if (e instanceof IllegalArgumentException) {
                            stop.set(true);
                        }
                    }
                }
            }));
        }
        Thread.sleep(warmup.toMillis());
        latency.reset();
        ops.set(0);
        errors.set(0);
        tls.resumed.set(0);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(measure.toMillis());
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        var h = latency.getIntervalHistogram();
        long done = ops.get();
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
        double seconds = elapsed / 1e9;
        System.out.printf(
                "{\"scenario\":\"%s\",\"tls\":\"%s\",\"connections\":%d,\"duration_s\":%.2f,\"ops\":%d,"
                        + "\"ops_per_s\":%.1f,\"resumed\":%d,\"errors\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
                        + "\"p999_ms\":%.3f,\"last_error\":\"%s\"}%n",
                scenario,
                tls.describe(),
                connections,
                seconds,
                done,
                done / seconds,
                tls.resumed.get(),
                errors.get(),
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6,
                lastError.replace("\"", "'"));
        return errors.get() == 0 && done > 0 ? 0 : 1;
    }

    private void record(long startNanos) {
        if (measuring.get()) {
            latency.recordValue(System.nanoTime() - startNanos);
            ops.incrementAndGet();
        }
    }

    /** Connect, greeting (and the TLS handshake, or STLS and the handshake), QUIT. */
    private void handshake(int port) throws IOException {
        long t0 = start();
        try (Pop3Connection c = tls.connect(host, port)) {
            c.command("QUIT");
        }
        record(t0);
    }

    private void login(int port, String user, String password) throws IOException {
        long t0 = start();
        try (Pop3Connection c = tls.connect(host, port)) {
            c.login(user, password, pipelining);
            c.command("QUIT");
        }
        record(t0);
    }

    private void stat(int port, String user, String password) throws IOException {
        long t0 = start();
        try (Pop3Connection c = tls.connect(host, port)) {
            c.login(user, password, pipelining);
            c.command("STAT");
            c.command("QUIT");
        }
        record(t0);
    }

    /** Every user of --users logs in once (stat), spread over the connections; reports like the others. */
    private int prime(int port, String password, int connections) throws Exception {
        int users = intOpt("users", 100);
        String prefix = opt("user-prefix", "user");
        measuring.set(true);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int u = primed.getAndIncrement(); u < users; u = primed.getAndIncrement()) {
                    try {
                        stat(port, prefix + u, password);
                    } catch (IOException | RuntimeException e) {
                        errors.incrementAndGet();
                        lastError = e.toString();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var h = latency.getIntervalHistogram();
        System.out.printf(
                "{\"scenario\":\"prime\",\"connections\":%d,\"duration_s\":%.2f,\"ops\":%d,\"ops_per_s\":%.1f,"
                        + "\"errors\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"last_error\":\"%s\"}%n",
                connections,
                seconds,
                ops.get(),
                ops.get() / seconds,
                errors.get(),
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6,
                lastError.replace("\"", "'"));
        return errors.get() == 0 ? 0 : 1;
    }

    private void session(int port, String user, String password) throws IOException {
        long t0 = start();
        try (Pop3Connection c = tls.connect(host, port)) {
            c.login(user, password, pipelining);
            int count = Integer.parseInt(c.command("STAT").split(" ")[1]);
            long[] sizes = sizes(c, count);
            c.multiLine("UIDL");
            for (int m = 1; m <= count; m++) {
                long got = c.multiLine("RETR " + m);
                if (got != sizes[m]) {
                    throw new IOException("RETR " + m + " sent " + got + " octets, LIST said " + sizes[m]);
                }
            }
            c.command("QUIT");
        }
        record(t0);
    }

    private static long[] sizes(Pop3Connection c, int count) throws IOException {
        long[] sizes = new long[count + 1];
        c.command("LIST");
        for (int m = 1; m <= count; m++) {
            String[] f = c.readLine().split(" ");
            sizes[Integer.parseInt(f[0])] = Long.parseLong(f[1]);
        }
        if (!c.readLine().equals(".")) {
            throw new IOException("LIST longer than STAT said");
        }
        return sizes;
    }

    private void retrLoop(int port, String user, String password, AtomicBoolean stop) throws IOException {
        try (Pop3Connection c = tls.connect(host, port)) {
            c.login(user, password, pipelining);
            int count = Integer.parseInt(c.command("STAT").split(" ")[1]);
            long[] sizes = sizes(c, count);
            while (!stop.get() && count > 0) {
                int m = 1 + ThreadLocalRandom.current().nextInt(count);
                long t0 = System.nanoTime();
                long got = c.multiLine("RETR " + m);
                if (got != sizes[m]) {
                    throw new IOException("RETR " + m + " sent " + got + " octets, LIST said " + sizes[m]);
                }
                record(t0);
            }
            c.command("QUIT");
        }
    }

    private void listLoop(int port, String user, String password, AtomicBoolean stop) throws IOException {
        try (Pop3Connection c = tls.connect(host, port)) {
            c.login(user, password, pipelining);
            while (!stop.get()) {
                long t0 = System.nanoTime();
                c.multiLine("LIST");
                c.multiLine("UIDL");
                record(t0);
            }
            c.command("QUIT");
        }
    }

    private void deliverLoop(int port, AtomicBoolean stop) throws IOException {
        String message = message(4096);
        try (LmtpConnection c = new LmtpConnection(host, port)) {
            while (!stop.get()) {
                try {
                    pace(intOpt("connections", 50));
                } catch (InterruptedException e) {
                    return;
                }
                String rcpt = user(ThreadLocalRandom.current().nextInt(intOpt("users", 100)));
                long t0 = start();
                c.deliver(rcpt, message);
                record(t0);
            }
        }
    }

    /** A message of about {@code size} bytes with 76-character lines, some starting with '.'. */
    static String message(int size) {
        StringBuilder sb = new StringBuilder("From: loadgen@bench\r\nTo: user@bench\r\nSubject: load ")
                .append(size)
                .append("\r\n\r\n");
        int i = 0;
        while (sb.length() < size) {
            sb.append(i++ % 13 == 0 ? "." : "").append("x".repeat(74)).append("\r\n");
        }
        return sb.toString();
    }

    /** Seeds the mailboxes over LMTP: 70% 4 KB, 25% 40 KB, 5% 1 MB; plus one big mailbox of small messages. */
    private int seed(int lmtp) throws Exception {
        int users = intOpt("users", 100);
        int perUser = intOpt("messages", 200);
        String big = opt("big-user", "big");
        int bigMessages = intOpt("big-messages", 10_000);
        String small = message(4096);
        String medium = message(40 * 1024);
        String large = message(1 << 20);
        List<Thread> threads = new ArrayList<>();
        int workers = intOpt("connections", 8);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(Thread.ofVirtual().start(() -> {
                try (LmtpConnection c = new LmtpConnection(host, lmtp)) {
                    for (int u = worker; u < users; u += workers) {
                        for (int m = 0; m < perUser; m++) {
                            int pick = (u * 31 + m * 17) % 100;
                            c.deliver(user(u), pick < 70 ? small : pick < 95 ? medium : large);
                        }
                    }
                    for (int m = worker; m < bigMessages; m += workers) {
                        c.deliver(big, small.substring(0, 1024) + "\r\n");
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    lastError = e.toString();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf(
                "{\"scenario\":\"seed\",\"users\":%d,\"messages_per_user\":%d,\"big_messages\":%d,\"errors\":%d,"
                        + "\"last_error\":\"%s\"}%n",
                users, perUser, bigMessages, errors.get(), lastError.replace("\"", "'"));
        return errors.get() == 0 ? 0 : 1;
    }

    /**
     * Holds N logged-in connections and reports the server's RSS growth per connection. Logs in
     * {@code --login-concurrency} (50) at a time; once all are in, creates {@code --ready-file}
     * (if given) so a script can measure the server, then holds them for {@code --duration}.
     */
    private int idle(int port, String password) throws Exception {
        int n = intOpt("connections", 1000);
        long pid = Long.parseLong(opt("server-pid", "0"));
        long before = rss(pid);
        Pop3Connection[] held = new Pop3Connection[n];
        java.util.concurrent.atomic.AtomicInteger nextLogin = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Thread> loggers = new ArrayList<>();
            for (int t = 0; t < Math.min(n, intOpt("login-concurrency", 50)); t++) {
                loggers.add(Thread.ofVirtual().start(() -> {
                    for (int i; (i = nextLogin.getAndIncrement()) < n; ) {
                        try {
                            Pop3Connection c = tls.connect(host, port);
                            held[i] = c;
                            c.login(user(i), password, pipelining);
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            lastError = "login " + i + ": " + e.getMessage();
                        }
                    }
                }));
            }
            for (Thread t : loggers) {
                t.join();
            }
            if (errors.get() > 0) {
                System.out.printf(
                        "{\"scenario\":\"idle\",\"connections\":%d,\"errors\":%d,\"last_error\":\"%s\"}%n",
                        n, errors.get(), lastError.replace("\"", "'"));
                return 1;
            }
            String ready = opt("ready-file", "");
            if (!ready.isEmpty()) {
                Files.writeString(Path.of(ready), n + " logged in\n");
            }
            Thread.sleep(duration(opt("duration", "2s")).toMillis());
            long after = rss(pid);
            System.out.printf(
                    "{\"scenario\":\"idle\",\"connections\":%d,\"rss_before_kib\":%d,\"rss_after_kib\":%d,"
                            + "\"rss_per_connection_kib\":%.2f,\"errors\":0}%n",
                    n, before, after, (after - before) / (double) n);
            return 0;
        } finally {
            for (Pop3Connection c : held) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /** VmRSS of a process, in KiB (0 when unknown). */
    static long rss(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}

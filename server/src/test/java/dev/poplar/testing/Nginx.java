package dev.poplar.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Stock nginx (Debian's nginx with libnginx-mod-mail) as a POP3 proxy on loopback, from a
 * test-made configuration: auth_http to a Poplar node, the PROXY protocol to the server it names.
 */
public final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Proxies POP3 on a free port, authenticating at {@code authUrl} with {@code key}. */
    public static Nginx start(Path dir, String authUrl, String key) throws Exception {
        Path nginx = Tools.require("nginx");
        Path module = Tools.requireFile(Path.of("/usr/lib/nginx/modules/ngx_mail_module.so"), "libnginx-mod-mail");
        Files.createDirectories(dir);
        int port = TestServer.freePort();
        boolean root = "root".equals(System.getProperty("user.name"));
        Files.writeString(dir.resolve("nginx.conf"), """
                load_module %s;
                %s
                daemon off;
                master_process off;
                error_log %s/error.log info;
                pid %s/nginx.pid;
                events { worker_connections 256; }
                mail {
                  server_name mail.test;
                  auth_http %s;
                  auth_http_header X-Poplar-Auth-Key "%s";
                  proxy_pass_error_message on;
                  server {
                    listen 127.0.0.1:%d;
                    protocol pop3;
                    pop3_auth plain;
                    proxy_protocol on;
                  }
                }
                """.formatted(
                        module, root ? "user root;" : "", dir, dir, authUrl, key, port));
        Process p = new ProcessBuilder(
                        nginx.toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return new Nginx(p, port, dir);
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                                    + (Files.exists(dir.resolve("error.log"))
                                            ? Files.readString(dir.resolve("error.log"))
                                            : ""));
                }
                Thread.onSpinWait();
            }
        }
    }

    public int port() {
        return port;
    }

    /** nginx's error log (auth_http answers it found wrong are explained there). */
    public String errorLog() throws IOException {
        return Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

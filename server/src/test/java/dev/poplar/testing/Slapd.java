package dev.poplar.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenLDAP slapd on loopback, from a test-made configuration in a temp directory: the
 * inetOrgPerson schema, one mdb database for dc=example,dc=org loaded from an LDIF with slapadd,
 * plain LDAP and LDAPS (a self-signed certificate for 127.0.0.1 and localhost). The service
 * account cn=poplar may read userPassword; anyone may bind. Stop and start it again to play an
 * outage; ldapmodify (ldap-utils) changes entries as the admin, as an operator would.
 */
public final class Slapd implements AutoCloseable {
    public static final String BASE = "dc=example,dc=org";
    public static final String PEOPLE = "ou=people," + BASE;
    public static final String ADMIN = "cn=admin," + BASE;
    public static final String ADMIN_PASSWORD = "admin-secret";
    public static final String SERVICE = "cn=poplar," + BASE;
    public static final String SERVICE_PASSWORD = "service-secret";

    private final Path dir;
    private final Path slapd;
    private final int port;
    private final int tlsPort;
    private Process process;

    private Slapd(Path dir, Path slapd, int port, int tlsPort) {
        this.dir = dir;
        this.slapd = slapd;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** Configured and loaded with {@code ldif} (entries below ou=people), then started. */
    public static Slapd start(Path dir, String peopleLdif) throws Exception {
        Path slapd = Tools.require("slapd");
        Tools.require("ldapmodify");
        Files.createDirectories(dir.resolve("db"));
        selfSigned(dir.resolve("key.pem"), dir.resolve("cert.pem"), "IP:127.0.0.1,DNS:localhost");
        Files.writeString(
                dir.resolve("slapd.conf"), """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                include /etc/ldap/schema/nis.schema
                include %6$s
                pidfile %1$s/slapd.pid
                modulepath /usr/lib/ldap
                moduleload back_mdb
                TLSCertificateFile %1$s/cert.pem
                TLSCertificateKeyFile %1$s/key.pem
                database mdb
                suffix "%2$s"
                rootdn "%3$s"
                rootpw %4$s
                directory %1$s/db
                maxsize 10485760
                access to attrs=userPassword by dn.exact="%5$s" read by anonymous auth by * none
                access to * by * read
                """.formatted(dir, BASE, ADMIN, ADMIN_PASSWORD, SERVICE, schema()));
        Files.writeString(
                dir.resolve("data.ldif"), """
                dn: %1$s
                objectClass: dcObject
                objectClass: organization
                o: Example
                dc: example

                dn: %2$s
                objectClass: organizationalUnit
                ou: people

                dn: %3$s
                objectClass: organizationalRole
                objectClass: simpleSecurityObject
                cn: poplar
                userPassword: %4$s

                """.formatted(BASE, PEOPLE, SERVICE, SERVICE_PASSWORD) + peopleLdif);
        Tools.Result load = Tools.run(
                List.of(
                        slapd.getParent().resolve("slapadd").toString(),
                        "-f",
                        dir.resolve("slapd.conf").toString(),
                        "-l",
                        dir.resolve("data.ldif").toString()),
                null);
        assertEquals(0, load.exit(), load.output());
        Slapd s = new Slapd(dir, slapd, TestServer.freePort(), TestServer.freePort());
        s.start();
        return s;
    }

    /** A self-signed P-256 certificate (its own CA) for CN=localhost with these subjectAltNames, by openssl. */
    public static void selfSigned(Path key, Path cert, String subjectAltNames) throws Exception {
        Tools.Result r = Tools.run(
                List.of(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:P-256",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=" + subjectAltNames,
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString()),
                null);
        assertEquals(0, r.exit(), r.output());
    }

    /** ops/ldap/poplar.schema, the optional schema the docs offer operators. */
    private static Path schema() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("ops/ldap/poplar.schema"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "ops/ldap/poplar.schema not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("ops/ldap/poplar.schema");
    }

    /** Starts (again) on the same ports, returning once it accepts connections. */
    public void start() throws Exception {
        process = new ProcessBuilder(
                        slapd.toString(),
                        "-d",
                        "0",
                        "-f",
                        dir.resolve("slapd.conf").toString(),
                        "-h",
                        uri() + "/ " + ldapsUri() + "/ " + ldapsUriNotInCertificate() + "/")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("slapd.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "slapd did not start: " + Files.readString(dir.resolve("slapd.log")));
                }
                Thread.onSpinWait();
            }
        }
    }

    /** Stops it (an outage); every connection to it is closed. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    public String uri() {
        return "ldap://127.0.0.1:" + port;
    }

    public String ldapsUri() {
        return "ldaps://127.0.0.1:" + tlsPort;
    }

    /** LDAPS on 127.0.0.2, an address the certificate does not name. */
    public String ldapsUriNotInCertificate() {
        return "ldaps://127.0.0.2:" + tlsPort;
    }

    /** The certificate LDAPS presents (its own CA). */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** Applies an LDIF change as the admin with ldapmodify. */
    public void modify(String ldif) throws Exception {
        Tools.Result r = Tools.run(List.of("ldapmodify", "-x", "-H", uri(), "-D", ADMIN, "-w", ADMIN_PASSWORD), ldif);
        assertEquals(0, r.exit(), r.output());
    }

    /** An inetOrgPerson entry below ou=people, for the LDIF. */
    public static String person(String uid, String mail, String userPassword, String... extra) {
        StringBuilder b = new StringBuilder()
                .append("dn: uid=")
                .append(uid)
                .append(',')
                .append(PEOPLE)
                .append('\n')
                .append("objectClass: inetOrgPerson\n")
                .append("uid: ")
                .append(uid)
                .append('\n')
                .append("cn: ")
                .append(uid)
                .append('\n')
                .append("sn: ")
                .append(uid)
                .append('\n')
                .append("mail: ")
                .append(mail)
                .append('\n')
                .append("userPassword: ")
                .append(userPassword)
                .append('\n');
        for (String e : extra) {
            b.append(e).append('\n');
        }
        return b.append('\n').toString();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

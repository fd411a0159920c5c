package dev.poplar.config;

import dev.poplar.directory.LoginParts;
import dev.poplar.directory.ldap.LdapSettings;
import dev.poplar.directory.sql.SqlSettings;
import dev.poplar.directory.sql.SqlTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The user directories (poplar.directory.*, poplar.ldap.*, poplar.sql.*), checked as far as
 * possible without reaching them: every mistake that can be seen here is a start-up error naming
 * its key.
 *
 * @param chain the directories in the order they are asked
 */
public record DirectoryConfig(
        List<String> chain,
        int cacheSize,
        Duration cacheTtl,
        Duration negativeTtl,
        Optional<LdapSettings> ldap,
        Optional<SqlSettings> sql) {
    public static final List<String> KNOWN = List.of("internal", "ldap", "sql");

    public DirectoryConfig {
        chain = List.copyOf(chain);
    }

    static DirectoryConfig from(Values v) throws ConfigException {
        List<String> chain = new ArrayList<>();
        for (String part : v.string(ConfigKeys.DIRECTORY_CHAIN).split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!KNOWN.contains(name)) {
                throw Values.bad(
                        ConfigKeys.DIRECTORY_CHAIN, "names unknown directory " + name + "; known: internal, ldap, sql");
            }
            if (chain.contains(name)) {
                throw Values.bad(ConfigKeys.DIRECTORY_CHAIN, "names " + name + " twice");
            }
            chain.add(name);
        }
        if (chain.isEmpty()) {
            throw Values.bad(ConfigKeys.DIRECTORY_CHAIN, "must name at least one directory (internal, ldap, sql)");
        }
        return new DirectoryConfig(
                chain,
                v.nonNegative(ConfigKeys.DIRECTORY_CACHE_SIZE),
                v.duration(ConfigKeys.DIRECTORY_CACHE_TTL),
                v.duration(ConfigKeys.DIRECTORY_NEGATIVE_TTL),
                chain.contains("ldap") ? Optional.of(ldap(v)) : Optional.empty(),
                chain.contains("sql") ? Optional.of(sql(v)) : Optional.empty());
    }

    private static LdapSettings ldap(Values v) throws ConfigException {
        List<LdapSettings.Server> servers = new ArrayList<>();
        for (String uri : v.string(ConfigKeys.LDAP_URI).split(",")) {
            if (uri.isBlank()) {
                continue;
            }
            try {
                servers.add(LdapSettings.Server.parse(uri));
            } catch (IllegalArgumentException e) {
                throw Values.bad(ConfigKeys.LDAP_URI, e.getMessage());
            }
        }
        if (servers.isEmpty()) {
            throw Values.bad(ConfigKeys.LDAP_URI, "must name a server when the chain has ldap (ldap://host:389)");
        }
        if (v.string(ConfigKeys.LDAP_BASE).isEmpty()) {
            throw Values.bad(
                    ConfigKeys.LDAP_BASE, "must be set when the chain has ldap (e.g. ou=people,dc=example,dc=org)");
        }
        boolean startTls = v.bool(ConfigKeys.LDAP_STARTTLS);
        if (startTls && servers.stream().anyMatch(LdapSettings.Server::ldaps)) {
            throw Values.bad(ConfigKeys.LDAP_STARTTLS, "is for ldap:// servers; ldaps:// ones use TLS from the start");
        }
        String filter = v.string(ConfigKeys.LDAP_USER_FILTER);
        template(ConfigKeys.LDAP_USER_FILTER, filter);
        LdapSettings.PasswordCheck check =
                switch (v.string(ConfigKeys.LDAP_AUTH).toLowerCase(Locale.ROOT)) {
                    case "bind" -> LdapSettings.PasswordCheck.BIND;
                    case "password-attribute" -> LdapSettings.PasswordCheck.PASSWORD_ATTRIBUTE;
                    default -> throw Values.bad(ConfigKeys.LDAP_AUTH, "must be bind or password-attribute");
                };
        if (check == LdapSettings.PasswordCheck.PASSWORD_ATTRIBUTE
                && v.string(ConfigKeys.LDAP_PASSWORD_ATTRIBUTE).isEmpty()) {
            throw Values.bad(
                    ConfigKeys.LDAP_PASSWORD_ATTRIBUTE, "must name an attribute with auth: password-attribute");
        }
        String ca = v.string(ConfigKeys.LDAP_CA_FILE);
        if (!ca.isEmpty() && !Files.isReadable(Path.of(ca))) {
            throw Values.bad(ConfigKeys.LDAP_CA_FILE, "names " + ca + ", which cannot be read");
        }
        return new LdapSettings(
                servers,
                startTls,
                ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca)),
                v.string(ConfigKeys.LDAP_BIND_DN),
                secret(v, ConfigKeys.LDAP_BIND_PASSWORD, ConfigKeys.LDAP_BIND_PASSWORD_FILE),
                v.string(ConfigKeys.LDAP_BASE),
                filter,
                check,
                new LdapSettings.Attributes(
                        v.string(ConfigKeys.LDAP_PASSWORD_ATTRIBUTE),
                        v.string(ConfigKeys.LDAP_NAME_ATTRIBUTE),
                        v.string(ConfigKeys.LDAP_ENABLED_ATTRIBUTE),
                        v.string(ConfigKeys.LDAP_QUOTA_ATTRIBUTE),
                        v.string(ConfigKeys.LDAP_QUOTA_MESSAGES_ATTRIBUTE),
                        v.string(ConfigKeys.LDAP_RETENTION_ATTRIBUTE)),
                v.positive(ConfigKeys.LDAP_POOL_SIZE),
                v.duration(ConfigKeys.LDAP_TIMEOUT));
    }

    private static SqlSettings sql(Values v) throws ConfigException {
        String url = v.string(ConfigKeys.SQL_URL);
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")) {
            throw Values.bad(
                    ConfigKeys.SQL_URL,
                    url.isEmpty()
                            ? "must be set when the chain has sql (jdbc:postgresql://host:5432/db)"
                            : "must be a jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql: URL");
        }
        if (v.string(ConfigKeys.SQL_PASSWORD_QUERY).isEmpty()) {
            throw Values.bad(ConfigKeys.SQL_PASSWORD_QUERY, "must be set when the chain has sql");
        }
        String userQuery = v.string(ConfigKeys.SQL_USER_QUERY);
        String scheme = v.string(ConfigKeys.SQL_DEFAULT_SCHEME).toUpperCase(Locale.ROOT);
        return new SqlSettings(
                url,
                v.string(ConfigKeys.SQL_USER),
                secret(v, ConfigKeys.SQL_PASSWORD, ConfigKeys.SQL_PASSWORD_FILE),
                query(v, ConfigKeys.SQL_PASSWORD_QUERY),
                userQuery.isEmpty() ? Optional.empty() : Optional.of(query(v, ConfigKeys.SQL_USER_QUERY)),
                scheme,
                v.positive(ConfigKeys.SQL_POOL_SIZE),
                v.duration(ConfigKeys.SQL_TIMEOUT));
    }

    private static SqlTemplate query(Values v, ConfigKeys.Key key) throws ConfigException {
        try {
            return SqlTemplate.parse(v.string(key));
        } catch (IllegalArgumentException e) {
            throw Values.bad(key, e.getMessage());
        }
    }

    private static void template(ConfigKeys.Key key, String template) throws ConfigException {
        try {
            LoginParts.check(template);
        } catch (IllegalArgumentException e) {
            throw Values.bad(key, e.getMessage());
        }
    }

    /** The value, or the first line of the file the second key names (a systemd credential). */
    private static String secret(Values v, ConfigKeys.Key value, ConfigKeys.Key file) throws ConfigException {
        String path = v.string(file);
        if (path.isEmpty()) {
            return v.raw(value);
        }
        try {
            String content = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            int nl = content.indexOf('\n');
            return nl < 0 ? content : content.substring(0, nl).replace("\r", "");
        } catch (IOException e) {
            throw Values.bad(file, "names " + path + ", which cannot be read: " + dev.poplar.io.IoErrors.describe(e));
        }
    }
}

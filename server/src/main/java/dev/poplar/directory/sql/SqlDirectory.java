package dev.poplar.directory.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.poplar.auth.hash.ImportedHash;
import dev.poplar.directory.DirectoryAttributes;
import dev.poplar.directory.DirectoryException;
import dev.poplar.directory.DirectoryUser;
import dev.poplar.directory.LoginParts;
import dev.poplar.directory.UserDirectory;
import dev.poplar.directory.Verdict;
import dev.poplar.storage.AccountNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Users in an SQL database (PostgreSQL, MariaDB, MySQL) through JDBC and a HikariCP pool: the
 * operator's query templates run as prepared statements with the login's parts bound as
 * parameters (SqlTemplate), and the password column's hash is verified here with the schemes of
 * imported hashes. Columns are found by name, so any schema works with an {@code AS} alias.
 */
public final class SqlDirectory implements UserDirectory {
    private static final System.Logger LOG = System.getLogger("dev.poplar.directory");

    /**
     * HikariCP logs every broken connection with a stack trace; Poplar already logs the outage
     * (directory_down) and each login it fails (auth_unavailable), so those loggers keep to
     * errors. Held here so that java.util.logging does not drop the setting with the logger.
     */
    private static final List<java.util.logging.Logger> QUIETED = List.of(
            java.util.logging.Logger.getLogger("com.zaxxer.hikari.pool.ProxyConnection"),
            java.util.logging.Logger.getLogger("com.zaxxer.hikari.pool.PoolBase"));

    static {
        QUIETED.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
    }

    private final SqlSettings settings;
    private final HikariDataSource pool;
    private final int timeoutSeconds;

    private SqlDirectory(SqlSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
        this.timeoutSeconds = (int) Math.max(1, settings.timeout().toSeconds());
    }

    /** A pool that connects when asked: a database down at start-up does not stop the server. */
    public static SqlDirectory open(SqlSettings settings) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(settings.url());
        c.setUsername(settings.user());
        c.setPassword(settings.password());
        c.setMaximumPoolSize(settings.poolSize());
        c.setMinimumIdle(Math.min(2, settings.poolSize()));
        long millis = Math.max(250, settings.timeout().toMillis());
        c.setConnectionTimeout(millis);
        c.setValidationTimeout(Math.max(250, millis / 2));
        c.setInitializationFailTimeout(-1);
        c.setReadOnly(true);
        c.setPoolName("poplar-sql");
        // The drivers' own network limits, so a database that stops answering mid-query fails the
        // lookup in time instead of holding the login (and a pooled connection) for ever.
        String url = settings.url().toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) {
            c.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, millis / 1000)));
            c.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, millis / 1000) + 1));
        } else if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            c.addDataSourceProperty("connectTimeout", Long.toString(millis));
            c.addDataSourceProperty("socketTimeout", Long.toString(millis + 1000));
        }
        try {
            return new SqlDirectory(settings, new HikariDataSource(c));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("poplar.sql.url cannot be used: " + e.getMessage());
        }
    }

    @Override
    public String name() {
        return "sql";
    }

    @Override
    public Optional<DirectoryUser> find(String login) throws DirectoryException {
        Map<String, String> row = row(settings.userQuery().orElse(settings.passwordQuery()), login);
        return row == null ? Optional.empty() : user(login, row);
    }

    @Override
    public Verdict verify(String login, String password) throws DirectoryException {
        Map<String, String> row = row(settings.passwordQuery(), login);
        if (row == null) {
            return Verdict.UNKNOWN;
        }
        Optional<DirectoryUser> user = user(login, row);
        if (user.isEmpty()) {
            return Verdict.UNKNOWN;
        }
        if (!row.containsKey("password")) {
            throw new DirectoryException(name(), "poplar.sql.password-query returns no column named password");
        }
        if (!matches(user.get().name(), row.get("password"), password)) {
            return new Verdict.Rejected("bad credentials");
        }
        return user.get().enabled() ? new Verdict.Accepted(user.get()) : new Verdict.Rejected("account disabled");
    }

    @Override
    public void probe() throws DirectoryException {
        try (Connection c = pool.getConnection()) {
            if (!c.isValid(timeoutSeconds)) {
                throw new DirectoryException(name(), "the connection did not answer in time");
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The single row the query returns for this login (column labels in lower case), or null. */
    private Map<String, String> row(SqlTemplate query, String login) throws DirectoryException {
        List<String> values = query.values(LoginParts.of(login));
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(query.sql())) {
            s.setQueryTimeout(timeoutSeconds);
            s.setMaxRows(2);
            for (int i = 0; i < values.size(); i++) {
                s.setString(i + 1, values.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                Map<String, String> row = new HashMap<>();
                ResultSetMetaData meta = r.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), r.getString(i));
                }
                if (r.next()) {
                    throw new DirectoryException(
                            name(), "the query returns more than one row for " + login + ": make it unique");
                }
                return row;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private Optional<DirectoryUser> user(String login, Map<String, String> row) {
        String name = row.getOrDefault("name", login);
        if (name == null || !AccountNames.isValid(name)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "sql directory: the row for " + login + " has no usable account name in its name column"
                            + " (letters, digits and . _ - + @ =); the user is treated as unknown");
            return Optional.empty();
        }
        String normalized = AccountNames.normalize(name);
        return Optional.of(new DirectoryUser(
                normalized,
                DirectoryAttributes.enabled(row.get("enabled")),
                DirectoryAttributes.limits(
                        normalized, row.get("quota"), row.get("quota_messages"), row.get("retention"))));
    }

    private boolean matches(String user, String stored, String password) {
        if (stored == null || stored.isEmpty()) {
            return false; // no password: the user cannot log in (a mailbox fed by LMTP only)
        }
        String withScheme = stored.startsWith("{")
                        || stored.startsWith("$")
                        || settings.defaultScheme().isEmpty()
                ? stored
                : "{" + settings.defaultScheme() + "}" + stored;
        try {
            return ImportedHash.parse(withScheme).verify(password);
        } catch (IllegalArgumentException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "sql directory: the password of " + user + " is not a hash Poplar can verify: " + e.getMessage());
            return false;
        }
    }

    private DirectoryException failure(SQLException e) {
        return new DirectoryException(
                name(),
                "query failed: " + e.getMessage()
                        + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"),
                e);
    }
}

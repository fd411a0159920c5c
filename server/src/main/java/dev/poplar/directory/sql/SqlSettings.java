package dev.poplar.directory.sql;

import java.time.Duration;
import java.util.Optional;

/**
 * How Poplar finds and checks users in an SQL database (poplar.sql.*; docs/directories.md).
 *
 * @param url           the JDBC URL: jdbc:postgresql://host:5432/db or jdbc:mariadb://host:3306/db
 * @param user          the database role Poplar connects as (read-only access is enough)
 * @param password      its password
 * @param passwordQuery one row for the login, with a {@code password} column ({SCHEME}hash) and
 *                      optionally {@code name}, {@code enabled}, {@code quota},
 *                      {@code quota_messages}, {@code retention}
 * @param userQuery     one row when the user exists (LMTP RCPT), with the same optional columns;
 *                      empty: the password query
 * @param defaultScheme the scheme of hashes stored without a {SCHEME} prefix ("" : they must have one)
 * @param poolSize      most connections held
 * @param timeout       connect, pool-wait and query limit of one lookup
 */
public record SqlSettings(
        String url,
        String user,
        String password,
        SqlTemplate passwordQuery,
        Optional<SqlTemplate> userQuery,
        String defaultScheme,
        int poolSize,
        Duration timeout) {
    /** Without the password: settings end up in logs and exception messages. */
    @Override
    public String toString() {
        return "SqlSettings[url=" + url + ", user=" + user + ", passwordQuery=" + passwordQuery.sql() + ", password=("
                + password.length() + " characters)]";
    }
}

package dev.poplar.directory.sql;

import dev.poplar.directory.LoginParts;
import java.util.ArrayList;
import java.util.List;

/**
 * A query template with Dovecot's variables turned into JDBC parameters: {@code %u}, {@code %n},
 * {@code %d}, bare or quoted ({@code '%u'}, so Dovecot's dovecot-sql.conf.ext queries work as
 * they are), become {@code ?} and the values are bound, never pasted into the SQL: no value can
 * change what the query says. {@code %%} is a literal '%'. A variable inside a longer literal
 * ({@code '%n@example.org'}) is refused, since it could only be spliced in; write
 * {@code %n || '@example.org'} instead.
 */
public record SqlTemplate(String sql, List<Character> variables) {
    public SqlTemplate {
        variables = List.copyOf(variables);
    }

    /** @throws IllegalArgumentException naming what is wrong with the template */
    public static SqlTemplate parse(String template) {
        StringBuilder sql = new StringBuilder(template.length());
        List<Character> vars = new ArrayList<>();
        boolean inLiteral = false;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (!inLiteral
                    && c == '\''
                    && i + 3 < template.length()
                    && template.charAt(i + 1) == '%'
                    && isVariable(template.charAt(i + 2))
                    && template.charAt(i + 3) == '\'') {
                vars.add(template.charAt(i + 2)); // '%u': the whole literal is the parameter
                sql.append('?');
                i += 3;
            } else if (c == '\'') {
                inLiteral = !inLiteral; // '' inside a literal toggles twice: still inside
                sql.append(c);
            } else if (c == '%') {
                if (i + 1 == template.length()) {
                    throw new IllegalArgumentException("a lone '%' at the end of the query (write %% for '%')");
                }
                char v = template.charAt(++i);
                if (v == '%') {
                    sql.append('%');
                } else if (!isVariable(v)) {
                    throw new IllegalArgumentException(
                            "unknown variable %" + v + " in the query (known: %u, %n, %d, %%)");
                } else if (inLiteral) {
                    throw new IllegalArgumentException("%" + v + " inside a longer string literal cannot be a "
                            + "parameter: write %" + v + " || '...' instead of '%" + v + "...'");
                } else {
                    vars.add(v);
                    sql.append('?');
                }
            } else {
                sql.append(c);
            }
        }
        if (inLiteral) {
            throw new IllegalArgumentException("the query has an unterminated string literal");
        }
        return new SqlTemplate(sql.toString(), vars);
    }

    private static boolean isVariable(char c) {
        return c == 'u' || c == 'n' || c == 'd';
    }

    /** The parameter values for a login, in order. */
    public List<String> values(LoginParts login) {
        return variables.stream()
                .map(v -> switch (v) {
                    case 'u' -> login.user();
                    case 'n' -> login.local();
                    default -> login.domain();
                })
                .toList();
    }
}

package dev.pgkeeper.mybatis.internal.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code COPY table (columns) FROM STDIN} of a bulk load, built only from names that are SQL identifiers,
 * so that nothing a caller passes can change the statement. A name is either plain (a letter or {@code _},
 * then letters, digits, {@code _} and {@code $}; PostgreSQL folds it to lower case, as in any SQL) or
 * double-quoted ({@code "Mixed Case"}, a {@code "} inside written as {@code ""}); the table may be qualified
 * by its schema ({@code schema.table}). Names are used as written. Immutable.
 *
 * @param table   the table, as the caller wrote it
 * @param columns the columns, as the caller wrote them, in order
 * @param sql     the COPY statement, in PostgreSQL's text format (tab-separated, {@code \N} for NULL)
 */
public record CopyStatement(String table, List<String> columns, String sql) {

    /**
     * Checks the names and builds the statement.
     *
     * @throws NullPointerException     naming {@code table}, {@code columns} or {@code columns[i]} when null
     * @throws IllegalArgumentException naming the parameter and the name when it is not an identifier, or
     *                                  when there is no column
     */
    public static CopyStatement of(String table, List<String> columns) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(columns, "columns");
        if (!isIdentifier(table, 2)) {
            throw notAnIdentifier("table", table, "optionally qualified by its schema (schema.table)");
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("copyIn " + table + ": columns is empty; name the columns the "
                    + "values are written to, in the order the row writer writes them");
        }
        List<String> names = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            String column = Objects.requireNonNull(columns.get(i), "columns[" + i + "]");
            if (!isIdentifier(column, 1)) {
                throw notAnIdentifier("columns[" + i + "]", column, "not qualified");
            }
            names.add(column);
        }
        String sql = "COPY " + table + " (" + String.join(", ", names) + ") FROM STDIN";
        return new CopyStatement(table, List.copyOf(names), sql);
    }

    private static IllegalArgumentException notAnIdentifier(String parameter, String name, String qualification) {
        return new IllegalArgumentException("copyIn: " + parameter + " \"" + name + "\" is not an SQL identifier: "
                + "write a plain name (a letter or _, then letters, digits, _ or $) or a double-quoted one "
                + "(\"Mixed Case\", a \" inside doubled), " + qualification);
    }

    /** Whether {@code text} is one to {@code maxParts} identifiers separated by dots. */
    static boolean isIdentifier(String text, int maxParts) {
        int at = 0;
        for (int part = 1; ; part++) {
            at = identifierEnd(text, at);
            if (at < 0) {
                return false;
            }
            if (at == text.length()) {
                return true;
            }
            if (part == maxParts || text.charAt(at) != '.') {
                return false;
            }
            at++;
        }
    }

    /** The index after the identifier that starts at {@code start}, or -1 when none starts there. */
    private static int identifierEnd(String text, int start) {
        int length = text.length();
        if (start >= length) {
            return -1;
        }
        if (text.charAt(start) == '"') {
            for (int i = start + 1; i < length; i++) {
                char c = text.charAt(i);
                if (c == '\0') {
                    return -1;
                }
                if (c == '"') {
                    if (i + 1 < length && text.charAt(i + 1) == '"') {
                        i++; // a doubled quote is part of the name
                    } else {
                        return i == start + 1 ? -1 : i + 1; // "" names nothing
                    }
                }
            }
            return -1; // not closed
        }
        if (!isIdentifierStart(text.charAt(start))) {
            return -1;
        }
        int i = start + 1;
        while (i < length && isIdentifierPart(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isIdentifierStart(char c) {
        return c == '_' || Character.isLetter(c);
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || Character.isDigit(c) || c == '$';
    }
}

package dev.pgkeeper.mybatis;

/**
 * Writes one element of a {@link MyBatisClient#copyIn bulk load} as a row: one {@link CopyRow#value} per
 * column, in column order. Its checked exception type passes through {@code copyIn} unchanged.
 *
 * <pre>{@code
 * client.copyIn("users", List.of("email", "display_name"), users,
 *         (user, row) -> row.value(user.getEmail()).value(user.getDisplayName()));
 * }</pre>
 *
 * @param <T> the type of the elements
 * @param <X> the checked exception it may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface CopyRowWriter<T, X extends Exception> {

    /**
     * Writes {@code element}'s values into {@code row}.
     *
     * @param element the element, as the {@code Iterable} gave it
     * @param row where the values go; valid during this call only
     * @throws X what the writer throws: the load is cancelled and nothing of it is inserted
     */
    void write(T element, CopyRow row) throws X;
}

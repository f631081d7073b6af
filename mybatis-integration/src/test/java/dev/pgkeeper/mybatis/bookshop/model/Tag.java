package dev.pgkeeper.mybatis.bookshop.model;

import java.io.Serializable;

/**
 * A row of {@code tags}, immutable: mapped through its constructor ({@code <constructor>} in TagMapper.xml).
 * Serializable because TagMapper's second-level cache hands out copies.
 */
public record Tag(Long id, String name) implements Serializable {
}

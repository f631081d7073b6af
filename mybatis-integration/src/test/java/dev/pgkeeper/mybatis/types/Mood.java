package dev.pgkeeper.mybatis.types;

/** The Java side of the PostgreSQL enum type {@code mood}: names match the labels, case and accents included. */
public enum Mood {
    HAPPY,
    SAD,
    neutral,
    ÉLAN
}

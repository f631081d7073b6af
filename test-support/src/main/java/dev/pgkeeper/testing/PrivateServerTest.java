package dev.pgkeeper.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that breaks a PostgreSQL server on purpose: it gets a {@link PrivateServer} of its
 * own (see {@link PrivateServerExtension}) and the JUnit tag {@code private-server}, which a run against a
 * shared external server excludes.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("private-server")
@ExtendWith(PrivateServerExtension.class)
public @interface PrivateServerTest {
}

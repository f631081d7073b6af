package dev.pgkeeper.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that runs real servers from Debian's packages ({@link PatroniCluster},
 * {@link PgBouncerServer}): JUnit tags {@code several-servers} and {@code private-server}, so a run against a
 * shared external server (which excludes {@code private-server}) skips it. Without the packages such a test
 * fails, naming the {@code apt-get} command; it never skips silently.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("several-servers")
@Tag("private-server")
public @interface SeveralServersTest {
}

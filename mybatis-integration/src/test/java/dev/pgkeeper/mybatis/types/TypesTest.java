package dev.pgkeeper.mybatis.types;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every type test class shares: a {@link TypesDatabase} of its own, named after the class, and the check
 * after each test that nothing leaked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TypesTest {

    TypesDatabase db;

    @BeforeAll
    void startDatabase() throws SQLException {
        db = TypesDatabase.start(getClass().getSimpleName());
    }

    @AfterEach
    void nothingLeaked() {
        db.assertNothingLeaked();
    }

    @AfterAll
    void stopDatabase() {
        db.close();
    }
}

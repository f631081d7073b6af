package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.ProjectRepository;
import dev.pgkeeper.mybatis.fixtures.User;
import dev.pgkeeper.mybatis.fixtures.UserRepository;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property 8 of the design, MyBatis part: a repository built after its manager is initialized has a working
 * client; one built before fails at construction with a {@link DatabaseError} NOT_INITIALIZED that names the
 * manager and the call that is missing. Generated: how many repositories of which kind are built before and
 * after {@code initializeConnection()}, the pool size and the manager's name. The client itself may be built
 * before. 100 tries, one database for all of them.
 */
class RepositoryProperties {

    private static final AtomicLong ROWS = new AtomicLong();
    private static TestDatabase db;
    private static Fixture schema;

    @BeforeContainer
    static void createDatabase() throws SQLException {
        db = TestPostgres.server().createDatabase("RepositoryProperties");
        schema = Fixture.start(db);
    }

    @AfterContainer
    static void dropDatabase() {
        schema.close();
        TestPostgres.server().dropDatabase(db.database());
    }

    @Property(tries = 100)
    @Label("Seed property 8: a repository built after initialization works; built before, it fails with NOT_INITIALIZED")
    void aRepositoryWorksWhenBuiltAfterInitializationAndFailsClearlyBefore(
            @ForAll("kinds") List<Kind> builtBefore, @ForAll("kinds") List<Kind> builtAfter,
            @ForAll @IntRange(min = 1, max = 4) int poolSize, @ForAll("names") String name) {
        try (ConnectionManager manager = ConnectionManager.create(Fixture.config(db).poolSize(poolSize).name(name).build())) {
            MyBatisClient client = Fixture.client(manager);

            for (Kind kind : builtBefore) {
                assertThatThrownBy(() -> kind.build(client)).isInstanceOfSatisfying(DatabaseError.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_INITIALIZED);
                    assertThat(e.isTemporary()).isFalse();
                    assertThat(e.getMessage()).contains(name, "initializeConnection()");
                    assertThat(e.troubleshootingSteps()).isNotEmpty();
                });
            }

            assertThat(manager.initializeConnection().success()).isTrue();

            for (Kind kind : builtAfter) {
                kind.use(kind.build(client));
            }
            assertThat(manager.getConnectionStatus().pool().active()).as("connections still lent out").isZero();
        }
    }

    /** A repository type of the fixtures, and one round trip through it. */
    enum Kind {
        USERS {
            @Override
            Object build(MyBatisClient client) {
                return new UserRepository(client);
            }

            @Override
            void use(Object repository) {
                UserRepository users = (UserRepository) repository;
                String email = "p8-" + ROWS.incrementAndGet() + "@example.test";
                long id = users.add(new User(email, "P8"));
                assertThat(users.find(id)).hasValueSatisfying(u -> assertThat(u.getEmail()).isEqualTo(email));
            }
        },
        PROJECTS {
            @Override
            Object build(MyBatisClient client) {
                return new ProjectRepository(client);
            }

            @Override
            void use(Object repository) {
                ProjectRepository projects = (ProjectRepository) repository;
                long before = projects.count();
                assertThat(before).isNotNegative();
            }
        };

        abstract Object build(MyBatisClient client);

        abstract void use(Object repository);
    }

    @Provide
    Arbitrary<List<Kind>> kinds() {
        return Arbitraries.of(Kind.class).list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(40);
    }
}

package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.Project;
import dev.pgkeeper.mybatis.fixtures.User;
import dev.pgkeeper.mybatis.fixtures.UserMapper;
import dev.pgkeeper.mybatis.fixtures.UserRepository;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.ibatis.exceptions.PersistenceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Repositories over an XML mapper and an annotation mapper, against PostgreSQL. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryIT {

    private Fixture fx;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        fx = startFixture(db);
    }

    /** The fixture the tests run on: connected to {@code db} directly; {@link PgBouncerRepositoryIT} goes through PgBouncer. */
    Fixture startFixture(TestDatabase db) throws SQLException {
        return Fixture.start(db);
    }

    @BeforeEach
    void clear() throws SQLException {
        fx.clear();
    }

    @AfterEach
    void nothingLeaked() {
        fx.assertNothingLeaked();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void crudThroughTheXmlMapper() {
        long id = fx.users.add(new User("ada@example.com", "Ada"));

        User found = fx.users.find(id).orElseThrow();
        assertThat(found.getEmail()).isEqualTo("ada@example.com");
        assertThat(found.getDisplayName()).isEqualTo("Ada");
        assertThat(found.getCreatedAt()).isNotNull();

        assertThat(fx.users.rename(id, "Ada Lovelace")).isTrue();
        assertThat(fx.users.find(id).orElseThrow().getDisplayName()).isEqualTo("Ada Lovelace");

        assertThat(fx.users.remove(id)).isTrue();
        assertThat(fx.users.find(id)).isEmpty();
        assertThat(fx.users.count()).isZero();
    }

    @Test
    void pagingAndDynamicSql() {
        List<Long> ids = IntStream.rangeClosed(1, 25)
                .mapToObj(i -> fx.users.add(new User("user" + i + (i % 2 == 0 ? "@even.test" : "@odd.test"), "U" + i)))
                .toList();

        assertThat(fx.users.page(0, 10)).hasSize(10).first().extracting(User::getId).isEqualTo(ids.get(0));
        assertThat(fx.users.page(2, 10)).hasSize(5).last().extracting(User::getId).isEqualTo(ids.get(24));
        assertThat(fx.users.search("%@even.test", null)).hasSize(12);
        assertThat(fx.users.search(null, List.of(ids.get(3), ids.get(7)))).extracting(User::getId)
                .containsExactly(ids.get(3), ids.get(7));
        assertThat(fx.users.search("%@odd.test", List.of(ids.get(0), ids.get(1)))).extracting(User::getId)
                .containsExactly(ids.get(0));
    }

    @Test
    void crudAndPagingThroughTheAnnotationMapper() {
        long owner = fx.users.add(new User("owner@example.com", "Owner"));
        List<Long> ids = IntStream.range(0, 7).mapToObj(i -> fx.projects.add(owner, "project " + i)).toList();

        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(fx.projects.ofOwner(owner, 0, 5)).hasSize(5).extracting(Project::getName).startsWith("project 0");
        assertThat(fx.projects.ofOwner(owner, 1, 5)).extracting(Project::getId).containsExactly(ids.get(5), ids.get(6));
        assertThat(fx.projects.ofOwner(owner, 0, 1).get(0).getOwnerId()).as("owner_id mapped to ownerId").isEqualTo(owner);
    }

    @Test
    void valuesAreBoundNotSpliced() {
        String hostile = "'); DROP TABLE users; --";
        long id = fx.users.add(new User("mallory@example.com", hostile));

        assertThat(fx.users.find(id).orElseThrow().getDisplayName()).isEqualTo(hostile);
        assertThat(fx.users.search(hostile, null)).isEmpty();
        assertThat(fx.users.count()).isEqualTo(1);
    }

    @Test
    void anUndefinedTableIsASchemaError() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, fx.projects::broken);

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.sqlState()).isEqualTo("42P01");
        assertThat(e).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);
        assertThat(e.getCause()).isInstanceOf(PersistenceException.class);
    }

    @Test
    void aUniqueViolationHasItsOwnCode() {
        fx.users.add(new User("dup@example.com", "First"));

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.users.add(new User("dup@example.com", "Second")));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.isTemporary()).isFalse();
        assertThat(e.getMessage() + e.troubleshootingSteps()).contains("users_email_key");
    }

    @Test
    void aMissingStatementIsASchemaErrorNamingIt() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.users.missing(1));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).contains(UserMapper.class.getName() + ".missingStatement");
        assertThat(e.getCause()).isInstanceOf(org.apache.ibatis.binding.BindingException.class);
    }

    @Test
    void anUnregisteredMapperIsAConfigurationError() {
        MyBatisClient bare = MyBatisClient.builder().connectionManager(fx.manager).build();

        assertThatThrownBy(() -> new UserRepository(bare))
                .isInstanceOfSatisfying(DatabaseError.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
                    assertThat(e.getMessage()).contains("UserMapper");
                });
    }

    /** Property 8: a repository built before initialization fails clearly; built after, it works. */
    @Test
    void aRepositoryBeforeInitializationFailsClearly() throws SQLException {
        try (ConnectionManager later = ConnectionManager.create(fx.manager.config())) {
            MyBatisClient client = Fixture.client(later); // building the client before is fine

            assertThatThrownBy(() -> new UserRepository(client))
                    .isInstanceOfSatisfying(DatabaseError.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_INITIALIZED);
                        assertThat(e.getMessage()).contains("initializeConnection()");
                    });

            later.initializeConnection();
            UserRepository users = new UserRepository(client);
            assertThat(users.count()).isZero();
        }
    }

    /** README, shutting down: after disconnect() the client fails with NOT_INITIALIZED, and works once connected again. */
    @Test
    void afterDisconnectTheClientFailsWithNotInitializedUntilInitializedAgain() {
        try (ConnectionManager own = ConnectionManager.create(fx.manager.config())) {
            assertThat(own.initializeConnection().success()).isTrue();
            UserRepository users = new UserRepository(Fixture.client(own));
            long before = users.count();

            own.disconnect();
            assertThatThrownBy(users::count).isInstanceOfSatisfying(DatabaseError.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_INITIALIZED));

            assertThat(own.initializeConnection().success()).isTrue();
            assertThat(users.count()).isEqualTo(before);
        }
    }

    @Test
    void reconnectLeavesTheFactoryRepositoriesAndMappersWorking() {
        UserMapper mapper = fx.client.mapper(UserMapper.class);
        long id = fx.users.add(new User("before@example.com", "Before"));

        assertThat(fx.manager.reconnect().success()).isTrue();

        assertThat(fx.users.find(id)).isPresent();
        assertThat(mapper.count()).isEqualTo(1);
        assertThat(fx.client.mapper(UserMapper.class)).isSameAs(mapper);
        fx.client.useTransaction(() -> fx.users.add(new User("after@example.com", "After")));
        assertThat(fx.users.count()).isEqualTo(2);
    }

    @Test
    void batchInsertsFlushEveryNRows() {
        List<User> many = IntStream.range(0, 1_000).mapToObj(i -> new User("b" + i + "@example.com", "B" + i)).toList();

        assertThat(fx.users.addAll(many, 100)).isEqualTo(1_000);

        assertThat(fx.users.count()).isEqualTo(1_000);
    }

    @Test
    void aFailingRowInABatchInsertsNothing() {
        List<User> withDuplicate = IntStream.range(0, 500)
                .mapToObj(i -> new User(i == 250 ? "b0@example.com" : "b" + i + "@example.com", "B" + i)).toList();

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.users.addAll(withDuplicate, 100));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(fx.users.count()).isZero();
    }
}

package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.SessionMapper;
import dev.pgkeeper.mybatis.fixtures.StreamMapper;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** How mapper calls meet sessions: cursors, their fetch size and failures, {@code @Flush}. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MapperSessionIT {

    private Fixture fx;
    private StreamMapper streams;
    private SessionMapper session;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        fx = Fixture.start(db);
        streams = fx.client.mapper(StreamMapper.class);
        session = fx.client.mapper(SessionMapper.class);
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
    void aCursorIsFetchedAThousandRowsAtATimeUnlessItsStatementSaysOtherwise() throws IOException {
        FetchSizes sizes = new FetchSizes();
        MyBatisClient client = MyBatisClient.builder().connectionManager(fx.manager)
                .configure(c -> c.addInterceptor(sizes)).addMapper(StreamMapper.class).build();
        StreamMapper mapper = client.mapper(StreamMapper.class);

        List<Integer> read = new ArrayList<>();
        client.useTransaction(() -> {
            try (Cursor<Integer> cursor = mapper.numbers(2500)) {
                cursor.forEach(read::add);
            }
            try (Cursor<Integer> cursor = mapper.numbersTenAtATime(25)) {
                cursor.forEach(read::add);
            }
            mapper.numberList(3);
        });

        assertThat(sizes.seen).containsExactly(1000, 10, 0);
        assertThat(read).hasSize(2525);
        assertThat(read.subList(0, 2500)).isSorted().startsWith(1).endsWith(2500);
    }

    @Test
    void aCursorThatLosesItsConnectionWhileReadingFailsWithTheStatementsTranslatedError() throws SQLException {
        int[] pid = new int[1];
        List<Integer> read = new ArrayList<>();

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() -> {
            pid[0] = session.backendPid();
            try (Cursor<Integer> cursor = streams.numbers(100_000)) {
                Iterator<Integer> rows = cursor.iterator();
                read.add(rows.next()); // the first thousand rows have arrived; the rest wait on the server
                terminate(pid[0]);
                while (rows.hasNext()) {
                    read.add(rows.next());
                }
            }
        }));

        assertThat(read).as("streamed: the server ended the session before the whole result was read")
                .hasSizeLessThan(100_000);
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.context()).containsEntry("statement", StreamMapper.class.getName() + ".numbers");
    }

    @Test
    void aFlushMethodOutsideATransactionHasNothingToFlush() {
        assertThat(streams.flush()).isEmpty();

        int logged = fx.client.inTransaction(TransactionOptions.defaults().batch(), () -> {
            session.logSeq(1);
            session.logSeq(2);
            return streams.flush().get(0).getUpdateCounts().length;
        });

        assertThat(logged).isEqualTo(2);
        assertThat(session.lastSeq()).isEqualTo(2);
    }

    private void terminate(int pid) {
        try (Connection c = fx.manager.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The fetch size of every statement MyBatis prepares, after every other plugin had its say. */
    @Intercepts(@Signature(type = StatementHandler.class, method = "prepare", args = {Connection.class, Integer.class}))
    static final class FetchSizes implements Interceptor {
        final List<Integer> seen = new CopyOnWriteArrayList<>();

        @Override
        public Object intercept(Invocation invocation) throws Throwable {
            Statement statement = (Statement) invocation.proceed();
            seen.add(statement.getFetchSize());
            return statement;
        }
    }
}

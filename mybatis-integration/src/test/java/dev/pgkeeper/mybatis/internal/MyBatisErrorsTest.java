package dev.pgkeeper.mybatis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.net.ConnectException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.ibatis.binding.BindingException;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.exceptions.TooManyResultsException;
import org.apache.ibatis.executor.result.ResultMapException;
import org.apache.ibatis.reflection.ReflectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Translation of MyBatis failures, with no database: a manager that was never connected is enough. */
class MyBatisErrorsTest {

    @Test
    void aConnectionThatBrokeInFlightMayHaveCommitted() {
        PSQLException io = new PSQLException("An I/O error occurred while sending to the backend.",
                PSQLState.CONNECTION_FAILURE);
        java.sql.SQLException terminated = new java.sql.SQLException(
                "terminating connection due to administrator command", "57P01");

        assertThat(MyBatisErrors.connectionBrokeInFlight(new PersistenceException("commit", io))).isTrue();
        assertThat(MyBatisErrors.connectionBrokeInFlight(new PersistenceException("insert", terminated))).isTrue();
    }

    @Test
    void nothingWasSentWhenNoConnectionWasHadOrItWasClosedBefore() {
        SQLTransientConnectionException failFast = new SQLTransientConnectionException(
                "PostgreSQL at db:5432 is unavailable, failing fast", "08006");
        PSQLException closed = new PSQLException("This connection has been closed.", PSQLState.CONNECTION_DOES_NOT_EXIST);
        PSQLException unique = new PSQLException("duplicate key", PSQLState.UNIQUE_VIOLATION);

        assertThat(MyBatisErrors.connectionBrokeInFlight(new PersistenceException("insert", failFast))).isFalse();
        assertThat(MyBatisErrors.connectionBrokeInFlight(new PersistenceException("insert", closed))).isFalse();
        assertThat(MyBatisErrors.connectionBrokeInFlight(new PersistenceException("insert", unique))).isFalse();
    }

    private static final ConnectionManager MANAGER = ConnectionManager.create(
            DatabaseConfig.builder().url("postgresql://app:s3cret-pw@db.example.com:5432/orders").build());

    @Test
    void anUnboundStatementIsASchemaErrorNamingIt() {
        DatabaseError e = MyBatisErrors.translate(
                new BindingException("Invalid bound statement (not found): com.acme.UserMapper.find"), MANAGER,
                "com.acme.UserMapper.find");

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).contains("com.acme.UserMapper.find");
        assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains("addMapper"));
        assertThat(e.context()).containsEntry("database", "orders");
    }

    @Test
    void resultMappingFailuresAreSchemaErrors() {
        assertThat(MyBatisErrors.translate(new PersistenceException(new ReflectionException("no setter for 'nmae'")),
                MANAGER, null).code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(MyBatisErrors.translate(new ResultMapException("cannot map"), MANAGER, null).code())
                .isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(MyBatisErrors.translate(new TooManyResultsException("expected one"), MANAGER, null).code())
                .isEqualTo(ErrorCode.SCHEMA_ERROR);
    }

    @Test
    void sqlFailuresWrappedByMyBatisKeepTheirSqlStateCategory() {
        PersistenceException wrapped = new PersistenceException("### Error updating database",
                new PSQLException("duplicate key value", PSQLState.UNIQUE_VIOLATION));

        DatabaseError e = MyBatisErrors.translate(wrapped, MANAGER, "com.acme.UserMapper.insert");

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.getCause()).isSameAs(wrapped);
    }

    @Test
    void aDatabaseErrorInTheChainIsReturnedAsIs() {
        DatabaseError original = new DatabaseError(ErrorCode.NETWORK_ERROR, "down");

        assertThat(MyBatisErrors.translate(new PersistenceException(original), MANAGER, null)).isSameAs(original);
    }

    /** Regression: the DataSource failing fast inside a mapper call gave an error without the statement. */
    @Test
    void aFailFastErrorFromTheDataSourceNamesTheStatement() {
        DatabaseError failFast = new DatabaseError(ErrorCode.NETWORK_ERROR, "failing fast", List.of("wait"),
                Map.of("sqlState", "08001"), new ConnectException("refused"));
        PersistenceException thrown = new PersistenceException("### Error updating database",
                new SQLTransientConnectionException(failFast.getMessage(), "08001", failFast));

        DatabaseError e = MyBatisErrors.translate(thrown, MANAGER, "com.acme.OrderMapper.insert");

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.context()).containsEntry("statement", "com.acme.OrderMapper.insert").containsEntry("sqlState", "08001");
        assertThat(e.getMessage()).contains("failing fast", "com.acme.OrderMapper.insert");
        assertThat(e.troubleshootingSteps()).containsExactly("wait");
        assertThat(e.getCause()).isSameAs(thrown);
    }

    @Test
    void anErrorThatAlreadyNamesAStatementIsReturnedAsIs() {
        DatabaseError inner = new DatabaseError(ErrorCode.SCHEMA_ERROR, "no such table", List.of(),
                Map.of("statement", "com.acme.UserMapper.find"), null);

        assertThat(MyBatisErrors.translate(new PersistenceException(inner), MANAGER, "com.acme.UserMapper.findAll"))
                .isSameAs(inner);
    }

    /** Total: any chain of MyBatis, JDBC and JDK exceptions gives a DatabaseError, never an exception. 500 tries. */
    @Property(tries = 500)
    void translationIsTotal(@ForAll("chains") Throwable chain) {
        DatabaseError e = MyBatisErrors.translate(chain, MANAGER, "M.m");

        assertThat(e).isNotNull();
        assertThat(e.code()).isNotNull();
        assertThat(e.getMessage()).doesNotContain("s3cret-pw");
    }

    @Provide
    Arbitrary<Throwable> chains() {
        Arbitrary<String> messages = Arbitraries.strings().ofMaxLength(40).injectNull(0.1);
        Arbitrary<Throwable> leaves = Arbitraries.oneOf(List.of(
                messages.map(m -> new BindingException(m)),
                messages.map(m -> new ReflectionException(m)),
                messages.map(m -> new ConnectException(m)),
                messages.map(m -> new PSQLException(m, PSQLState.CONNECTION_FAILURE)),
                messages.map(m -> new PSQLException(m, PSQLState.UNDEFINED_TABLE)),
                messages.map(m -> new IllegalStateException(m))));
        return Arbitraries.integers().between(0, 4).flatMap(depth -> leaves.map(leaf -> {
            Throwable t = leaf;
            for (int i = 0; i < depth; i++) {
                t = i % 2 == 0 ? new PersistenceException("wrapped", t) : new RuntimeException(t);
            }
            return t;
        }));
    }
}

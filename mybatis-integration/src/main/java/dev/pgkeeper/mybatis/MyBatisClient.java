package dev.pgkeeper.mybatis;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.internal.AbortAwareTransactionFactory;
import dev.pgkeeper.mybatis.internal.ConfigurationFile;
import dev.pgkeeper.mybatis.internal.CursorFetchSize;
import dev.pgkeeper.mybatis.internal.DeferredDataSource;
import dev.pgkeeper.mybatis.internal.MyBatisErrors;
import dev.pgkeeper.mybatis.internal.ThreadSession;
import dev.pgkeeper.mybatis.internal.TransactionRunner;
import dev.pgkeeper.mybatis.internal.TranslatingMapper;
import dev.pgkeeper.mybatis.internal.TypeAliases;
import dev.pgkeeper.mybatis.internal.copy.CopyLoad;
import dev.pgkeeper.mybatis.internal.copy.CopyStatement;
import dev.pgkeeper.mybatis.internal.types.PostgresTypeHandlers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.ibatis.builder.xml.XMLMapperBuilder;
import org.apache.ibatis.executor.BatchResult;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.session.SqlSessionManager;

/**
 * MyBatis on a pgkeeper {@link ConnectionManager}: one {@link SqlSessionFactory} whose environment uses the
 * manager's stable DataSource, mappers that can be used from any thread, and transactions that span any
 * number of repositories.
 *
 * <pre>{@code
 * MyBatisClient client = MyBatisClient.builder()          // the process-wide manager by default
 *         .addMapper(UserMapper.class)                     // annotation mapper
 *         .addMapperResource("mappers/ProjectMapper.xml")  // XML mapper
 *         .build();
 * UserRepository users = new UserRepository(client);
 * client.useTransaction(() -> users.rename(42, "Ada"));
 * }</pre>
 *
 * <p>Mapper calls outside a transaction each run in a session of their own (MyBatis's
 * {@link SqlSessionManager}); inside {@link #inTransaction}, every mapper on the thread joins the
 * transaction. Failures reach the caller as categorized {@link DatabaseError}s. A {@code reconnect()} of the
 * manager, or an outage, leaves the factory, repositories and mappers working.
 *
 * <p>Thread-safe.
 */
public final class MyBatisClient {

    private final ConnectionManager manager;
    private final SqlSessionFactory factory;
    private final SqlSessionManager sessions;
    private final TransactionRunner transactions;
    private final ThreadSession threadSession;
    private final Map<Class<?>, Object> mappers = new ConcurrentHashMap<>();

    private MyBatisClient(ConnectionManager manager, SqlSessionFactory factory, CursorFetchSize streaming) {
        this.manager = manager;
        this.factory = factory;
        this.sessions = SqlSessionManager.newInstance(factory);
        this.transactions = new TransactionRunner(sessions, this::translate,
                factory.getConfiguration().getEnvironment().getDataSource() instanceof DeferredDataSource d ? d : null,
                streaming);
        this.threadSession = new ThreadSession(factory.getConfiguration(), transactions);
    }

    /**
     * A builder for a client of the process-wide manager ({@link ConnectionManager#getInstance()}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The manager whose pool this client uses.
     *
     * @return the manager
     */
    public ConnectionManager connectionManager() {
        return manager;
    }

    /**
     * The MyBatis factory, for what this client does not cover; its sessions must be closed by the caller.
     *
     * @return the MyBatis factory
     */
    public SqlSessionFactory sqlSessionFactory() {
        return factory;
    }

    /**
     * A mapper that can be shared between threads: MyBatis's own mapper proxy, on a session that runs each
     * statement in the calling thread's transaction inside {@link #inTransaction}, and outside one in an
     * autocommit session of its own (so its failure, even at commit, is its own). A default method is plain
     * Java: each statement it runs takes the same way, and outside a transaction it is in none. Failures are
     * thrown as categorized {@link DatabaseError}s naming the statement ({@code MapperType.method}).
     *
     * <p>What needs an open transaction: a method returning a MyBatis {@code Cursor} streams its rows (
     * {@value dev.pgkeeper.mybatis.internal.CursorFetchSize#ROWS} per round trip unless the statement sets a
     * {@code fetchSize}) and must be called and read inside {@link #inTransaction}; outside one it fails at once
     * with {@link ErrorCode#CONFIGURATION_ERROR}, before anything is sent. Lazy loading works everywhere: inside
     * the transaction that loaded the object it reads in it, elsewhere MyBatis runs each load in a short
     * transaction of its own; a failed load is thrown from the getter as pgjdbc's exception, untranslated
     * ({@link #translate} categorizes it).
     *
     * @param <M> the mapper type
     * @param type the mapper interface
     * @return the mapper; the same instance for every call with {@code type}
     * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} when {@code type} was not registered
     */
    public <M> M mapper(Class<M> type) {
        Objects.requireNonNull(type, "type");
        return type.cast(mappers.computeIfAbsent(type, t -> {
            if (!factory.getConfiguration().hasMapper(type)) {
                throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "Mapper " + type.getName()
                        + " is not registered with this MyBatisClient",
                        List.of("Register it when building the client: addMapper(" + type.getSimpleName()
                                + ".class), addMapperResource(\"...xml\") or addMapperPackage(\""
                                + type.getPackageName() + "\")"), Map.of(), null);
            }
            return TranslatingMapper.create(type, threadSession, transactions);
        }));
    }

    /**
     * Runs {@code block} in a transaction with default options; see {@link #inTransaction(TransactionOptions, TransactionCallback)}.
     *
     * @param <R> what the block returns
     * @param <X> the checked exception the block may throw
     * @param block the work to run
     * @return what the block returned
     * @throws X what the block throws
     */
    public <R, X extends Exception> R inTransaction(TransactionCallback<R, X> block) throws X {
        return inTransaction(TransactionOptions.defaults(), block);
    }

    /**
     * Runs {@code block} in one transaction: every mapper call on this thread, through any repository, is part
     * of it. Commits when the block returns; rolls back when it throws anything, and rethrows that unchanged
     * (MyBatis failures as {@link DatabaseError}). The session is always closed.
     *
     * <p>Called inside another transaction on the same thread, the block joins it: it commits or rolls back
     * with the outermost one, which alone decides retries and batching. Asking for an isolation level
     * different from the running transaction's, or read-only inside a read-write one, is refused with an
     * {@link IllegalStateException} rather than silently ignored. A block that catches a failure of a joined
     * block and goes on keeps that block's earlier writes, as in Jdbi.
     *
     * <p>A block that catches a database failure and returns normally does not commit: PostgreSQL has
     * aborted the transaction, so this throws that failure's {@link DatabaseError} (and a retry on conflict
     * still happens). A statement the block runs after such a failure is refused by PostgreSQL (SQLState
     * 25P02); its {@link DatabaseError} carries the first failure's code, names the first failure's statement
     * ({@code statement} in the context; the refused one is {@code refusedStatement}) and has the first
     * failure as cause.
     *
     * @param <R> what the block returns
     * @param <X> the checked exception the block may throw
     * @param options isolation level, read-only, batching and retries
     * @param block the work to run
     * @return what the block returned
     * @throws X            what the block throws
     * @throws DatabaseError a database failure, at commit too; after {@link TransactionOptions#retryOnConflict}
     *                      attempts, the last conflict
     */
    public <R, X extends Exception> R inTransaction(TransactionOptions options, TransactionCallback<R, X> block)
            throws X {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(block, "block");
        return transactions.run(options, block);
    }

    /**
     * Runs {@code block} in a transaction with default options; the form of {@link #inTransaction} without a result.
     *
     * @param <X> the checked exception the block may throw
     * @param block the work to run
     * @throws X what the block throws
     */
    public <X extends Exception> void useTransaction(TransactionRunnable<X> block) throws X {
        useTransaction(TransactionOptions.defaults(), block);
    }

    /**
     * {@link #inTransaction(TransactionOptions, TransactionCallback)} for a block without a result.
     *
     * @param <X> the checked exception the block may throw
     * @param options isolation level, read-only, batching and retries
     * @param block the work to run
     * @throws X what the block throws
     */
    public <X extends Exception> void useTransaction(TransactionOptions options, TransactionRunnable<X> block) throws X {
        Objects.requireNonNull(block, "block");
        inTransaction(options, () -> {
            block.run();
            return null;
        });
    }

    /**
     * Inserts {@code rows} into {@code table} with PostgreSQL's {@code COPY ... FROM STDIN}, the fastest way to
     * load many rows: {@code writer} writes each element's values, one per column in the order of
     * {@code columns} (see {@link CopyRow} for the Java types it takes and what they become). The rows are
     * encoded in COPY's text format and streamed to the server in chunks of 64 KiB as they are written, so
     * memory does not grow with their number; {@code rows} is read once, in its order.
     *
     * <pre>{@code
     * long inserted = client.copyIn("users", List.of("email", "display_name"), users,
     *         (user, row) -> row.value(user.getEmail()).value(user.getDisplayName()));
     * }</pre>
     *
     * <p>All rows or none. Inside {@link #inTransaction} the load is part of that transaction and commits or
     * rolls back with it; statements queued by a {@linkplain TransactionOptions#batch() batch} transaction are
     * sent before it. Outside one it runs in a transaction of its own, committed when the last row is in. A
     * load stopped by a failure is cancelled: nothing of it is inserted, PostgreSQL aborts the surrounding
     * transaction as for any failed statement, and the connection goes back to the pool in good health. The
     * load is one statement: {@code DB_STATEMENT_TIMEOUT}, when set, bounds all of it.
     *
     * <p>{@code table} and each column are SQL identifiers, used as written, never spliced from data: a plain
     * name ({@code users}, folded to lower case by PostgreSQL as in any SQL) or a double-quoted one
     * ({@code "Users"}); the table may be qualified by its schema ({@code audit.events}). Columns left out get
     * their defaults. Thread-safe.
     *
     * @param <T> the type of the elements
     * @param <X> the checked exception the writer may throw
     * @param table the table, optionally {@code schema.table}
     * @param columns the columns the writer fills, in its order; at least one
     * @param rows the elements to insert, one row each
     * @param writer writes an element's values, one per column
     * @return the number of rows inserted, as the server reports it
     * @throws X                        what {@code writer} throws (or {@code rows}' iterator), unchanged; nothing is
     *                                  inserted
     * @throws DatabaseError            {@link ErrorCode#DATA_ERROR} before anything is inserted when a value has a type
     *                                  {@link CopyRow} does not take, text with a NUL character or a lone surrogate,
     *                                  or a row has fewer or more values than {@code columns}: the message names the
     *                                  row (1 for the first element) and the column, never the value. What the
     *                                  server refuses, as for any statement named {@code copyIn table}: a constraint
     *                                  ({@link ErrorCode#UNIQUE_VIOLATION}, ...), a value the column's type cannot
     *                                  read ({@link ErrorCode#DATA_ERROR}), a table or column that does not exist
     *                                  ({@link ErrorCode#SCHEMA_ERROR}); a failure of the commit
     * @throws IllegalArgumentException when {@code table} or a column is not an identifier (the message names it), or
     *                                  {@code columns} is empty; nothing is sent
     * @throws NullPointerException     naming the argument that is {@code null} (or {@code columns[i]})
     */
    public <T, X extends Exception> long copyIn(String table, List<String> columns, Iterable<? extends T> rows,
            CopyRowWriter<? super T, X> writer) throws X {
        CopyStatement copy = CopyStatement.of(table, columns);
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(writer, "writer");
        String statement = "copyIn " + copy.table();
        return transactions.run(TransactionOptions.defaults(), () -> transactions.onConnection(statement,
                connection -> CopyLoad.run(connection, copy, rows, writer, e -> translate(e, statement))));
    }

    /**
     * Whether the calling thread is inside {@link #inTransaction}.
     *
     * @return {@code true} inside a transaction
     */
    public boolean isInTransaction() {
        return transactions.isInTransaction();
    }

    /**
     * Sends the statements queued in the calling thread's batch transaction
     * ({@link TransactionOptions#batch()}).
     *
     * <p>By default ({@link dev.pgkeeper.DatabaseConfig#rewriteBatchedInserts()}) pgjdbc rewrites queued single-row
     * inserts into multi-row inserts, so their update counts are {@link java.sql.Statement#SUCCESS_NO_INFO} (-2), not
     * 1, and for {@code INSERT ... ON CONFLICT DO NOTHING} no longer tell inserted rows (1) from skipped ones (0);
     * inserts with {@code useGeneratedKeys}, updates and deletes keep a count per row. Set
     * {@code DB_REWRITE_BATCHED_INSERTS=false} where code reads the counts.
     *
     * @return MyBatis's results per statement
     * @throws IllegalStateException outside a transaction
     * @throws DatabaseError         when a statement fails
     */
    public List<BatchResult> flushStatements() {
        return transactions.flushStatements();
    }

    /**
     * Translates any exception from MyBatis, JDBC or pgkeeper into a categorized {@link DatabaseError} whose
     * steps name this client's database. Never touches the database. Never throws.
     *
     * @param error what was thrown, or {@code null}
     * @return the categorized error; never {@code null}
     */
    public DatabaseError translate(Throwable error) {
        return translate(error, null);
    }

    private DatabaseError translate(Throwable error, String statement) {
        return MyBatisErrors.translate(error, manager, statement);
    }

    @Override
    public String toString() {
        return "MyBatisClient[" + manager + "]";
    }

    /**
     * Collects mappers and settings for a {@link MyBatisClient}. Defaults a PostgreSQL user expects are on:
     * {@code mapUnderscoreToCamelCase}. No statement timeout is set on the MyBatis side; the manager's
     * {@code DB_STATEMENT_TIMEOUT}, when set, is enforced by the server on every connection. Not thread-safe.
     */
    public static final class Builder {
        private ConnectionManager manager;
        private final List<Class<?>> mapperTypes = new ArrayList<>();
        private final List<String> mapperResources = new ArrayList<>();
        private final List<String> mapperPackages = new ArrayList<>();
        private final List<Consumer<Configuration>> customizers = new ArrayList<>();
        private boolean postgresTypes;
        private String configurationFile;
        private final List<String> typeAliasPackages = new ArrayList<>();
        private final List<Consumer<Configuration>> jsonTypes = new ArrayList<>();

        private Builder() {
        }

        /**
         * Uses {@code manager} instead of the process-wide one.
         *
         * @param manager the manager whose pool the client uses
         * @return this builder
         */
        public Builder connectionManager(ConnectionManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * Registers an annotated mapper interface (and the XML of the same name next to it, if any).
         *
         * @param mapperType the mapper interface
         * @return this builder
         */
        public Builder addMapper(Class<?> mapperType) {
            mapperTypes.add(Objects.requireNonNull(mapperType, "mapperType"));
            return this;
        }

        /**
         * Registers an XML mapper from the class path, e.g. {@code "mappers/UserMapper.xml"}.
         *
         * @param resource the class path resource of the XML mapper
         * @return this builder
         */
        public Builder addMapperResource(String resource) {
            mapperResources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Registers every mapper interface in a package.
         *
         * @param packageName the package, e.g. {@code "com.example.mappers"}
         * @return this builder
         */
        public Builder addMapperPackage(String packageName) {
            mapperPackages.add(Objects.requireNonNull(packageName, "packageName"));
            return this;
        }

        /**
         * Starts from an existing MyBatis configuration file instead of pgkeeper's defaults, read by MyBatis as
         * usual: its properties, settings, type aliases, plugins, type handlers, database id provider and
         * mappers apply as the file says (MyBatis's defaults for what it does not set, so
         * {@code mapUnderscoreToCamelCase} is off unless the file turns it on). Its {@code <environments>} are
         * replaced by this client's manager: none of their data sources is created, and a warning is logged
         * when the file has any. A {@code <databaseIdProvider>} asks the database through the manager, which
         * must then be initialized before {@link #build()}.
         *
         * <p>What this builder registers comes on top of the file: {@link #typeAliasesPackage},
         * {@link #postgresTypes()} and {@link #jsonTypes} before the file's mappers are read (so they can use
         * them), {@link #configure} and the mappers added here after the whole file.
         *
         * @param resource the file on the class path, e.g. {@code "mybatis-config.xml"}
         * @return this builder
         */
        public Builder configuration(String resource) {
            this.configurationFile = Objects.requireNonNull(resource, "resource");
            return this;
        }

        /**
         * Registers every class of the given packages as a type alias under its simple name (or its
         * {@code @Alias}), as mybatis-spring's {@code typeAliasesPackage} does; subpackages are not searched.
         *
         * @param packages one or more package names separated by commas, semicolons or white space, e.g.
         *                 {@code "com.example.model, com.example.report"}
         * @return this builder
         * @throws DatabaseError by {@link #build()}, with {@link ErrorCode#CONFIGURATION_ERROR}, when a package
         *                       has no class or two classes want the same alias
         */
        public Builder typeAliasesPackage(String packages) {
            List<String> names = TypeAliases.split(Objects.requireNonNull(packages, "packages"));
            if (names.isEmpty()) {
                throw new IllegalArgumentException("typeAliasesPackage: no package name in \"" + packages + "\"");
            }
            typeAliasPackages.addAll(names);
            return this;
        }

        /**
         * Registers type handlers for PostgreSQL's types: {@code uuid}, JSON text in a {@code String} written with
         * {@code #{x,jdbcType=OTHER}}, arrays and {@code List}s, PostgreSQL enums (the default enum handler,
         * unless the configuration file or {@link #configure} sets another), {@code java.time} ({@code DATE}
         * read as {@code LocalDateTime} too; {@code OffsetDateTime}, {@code Instant} and {@code ZonedDateTime}
         * written and read at UTC), {@code inet} and {@code interval}. A value that cannot be converted fails as
         * a {@link ErrorCode#DATA_ERROR} naming the column. The README's type-handler table lists them.
         *
         * @return this builder
         */
        public Builder postgresTypes() {
            this.postgresTypes = true;
            return this;
        }

        /**
         * Stores values of {@code types} as JSON ({@code json} or {@code jsonb} columns), written and read by
         * {@code codec}: a property or parameter of one of these types needs no {@code typeHandler} attribute.
         *
         * @param codec the application's JSON mapping
         * @param types the types to store as JSON
         * @return this builder
         * @throws DatabaseError by {@link #build()}, with {@link ErrorCode#CONFIGURATION_ERROR}, naming a type that
         *                       cannot be stored as JSON: one MyBatis already handles, a primitive, an array, an
         *                       enum, a Map or a Collection
         */
        public Builder jsonTypes(JsonCodec codec, Class<?>... types) {
            Objects.requireNonNull(codec, "codec");
            Objects.requireNonNull(types, "types");
            List<Class<?>> list = new ArrayList<>();
            for (int i = 0; i < types.length; i++) {
                list.add(Objects.requireNonNull(types[i], "types[" + i + "]"));
            }
            jsonTypes.add(configuration -> PostgresTypeHandlers.registerJson(configuration, codec, list));
            return this;
        }

        /**
         * Adjusts MyBatis's {@link Configuration} (type handlers, aliases, settings, plugins) after pgkeeper's
         * defaults and before the mappers added on this builder are read, so that they can use what it
         * registers. With a {@link #configuration(String) configuration file} it runs after the whole file,
         * whose own mappers are read by then.
         *
         * @param customizer called with MyBatis's configuration by {@link #build()}
         * @return this builder
         */
        public Builder configure(Consumer<Configuration> customizer) {
            customizers.add(Objects.requireNonNull(customizer, "customizer"));
            return this;
        }

        /**
         * Builds the client. The manager need not be initialized yet; its DataSource is looked up at each
         * borrow.
         *
         * @return the client
         * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} when a mapper cannot be read
         */
        public MyBatisClient build() {
            ConnectionManager m = manager != null ? manager : ConnectionManager.getInstance();
            Environment environment = new Environment("pgkeeper-" + m.config().name(),
                    new AbortAwareTransactionFactory(), new DeferredDataSource(m));
            CursorFetchSize streaming = new CursorFetchSize();
            try {
                Configuration configuration;
                if (configurationFile != null) {
                    configuration = ConfigurationFile.read(configurationFile, environment, this::registerTypes);
                } else {
                    configuration = new Configuration(environment);
                    configuration.setMapUnderscoreToCamelCase(true);
                    // No defaultStatementTimeout: when DB_STATEMENT_TIMEOUT is set the server enforces it on every
                    // connection, which needs no client-side cancel request (a silent network would hold that up).
                    registerTypes(configuration);
                }
                configuration.addInterceptor(streaming);
                customizers.forEach(c -> c.accept(configuration));
                mapperPackages.forEach(configuration::addMappers);
                mapperTypes.forEach(configuration::addMapper);
                for (String resource : mapperResources) {
                    parseXml(configuration, resource);
                }
                // Resolves what the mappers left pending (a result map named before it is defined, say), so an
                // unresolvable reference fails here rather than on every later statement of every mapper.
                configuration.getMappedStatementNames();
                return new MyBatisClient(m, new SqlSessionFactoryBuilder().build(configuration), streaming);
            } catch (DatabaseError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "MyBatis could not read a mapper: "
                        + e.getMessage(), List.of("Fix the mapper named in the message; MyBatis's exception is the cause"),
                        Map.of(), e);
            }
        }

        /** What this builder registers before any mapper is read: aliases and type handlers. */
        private void registerTypes(Configuration configuration) {
            typeAliasPackages.forEach(p -> TypeAliases.register(configuration, p));
            if (postgresTypes) {
                PostgresTypeHandlers.register(configuration);
            }
            jsonTypes.forEach(c -> c.accept(configuration));
        }

        private static void parseXml(Configuration configuration, String resource) {
            try (InputStream in = Resources.getResourceAsStream(resource)) {
                new XMLMapperBuilder(in, configuration, resource, configuration.getSqlFragments()).parse();
            } catch (IOException e) {
                throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "Mapper resource " + resource
                        + " was not found on the class path", List.of("Check the path passed to addMapperResource"),
                        Map.of(), e);
            }
        }
    }
}

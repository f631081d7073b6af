package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property 12 of the design: the {@link Database} facade behaves exactly as the manager it fronts. A generated
 * sequence of calls runs twice on a fresh process-wide manager: once as written, with the facade's
 * {@code getConnectionManager()} and {@code disconnectDatabase()}, and once with each facade call replaced by
 * the manager call it stands for. After every step both runs must observe the same thing. The process-wide
 * manager points either at a real PostgreSQL or at a port where nothing listens, so both a connected and a
 * reconnecting manager get disconnected. 100 tries.
 */
class DatabaseFacadeProperties {

    private static TestDatabase db;

    @BeforeContainer
    static void createDatabase() {
        db = TestPostgres.server().createDatabase("DatabaseFacadeProperties");
    }

    @AfterContainer
    static void dropDatabase() {
        ConnectionManager.resetInstance();
        ConnectionManager.instanceConfig = DatabaseConfig::fromEnvironment;
        TestPostgres.server().dropDatabase(db.database());
    }

    @AfterTry
    void forgetTheSingleton() {
        ConnectionManager.resetInstance();
    }

    @Property(tries = 100)
    @Label("Seed property 12: getConnectionManager() and disconnectDatabase() behave exactly as getInstance() and disconnect()")
    void theFacadeBehavesExactlyAsTheManager(@ForAll("calls") List<Call> calls, @ForAll boolean serverUp) {
        String url = serverUp ? db.url()
                : "postgresql://postgres@127.0.0.1:" + PrivateServer.freePort() + "/postgres";
        DatabaseConfig config = TestConfigs.forUrl(url).maxRetries(0).poolSize(2)
                .reconnectInterval(Duration.ofMinutes(10)).build();

        List<Observation> viaFacade = run(calls, config, true);
        List<Observation> viaManager = run(calls, config, false);

        assertThat(viaFacade).isEqualTo(viaManager);
    }

    /** A call on the process-wide manager; the first two go through the facade in one of the two runs. */
    enum Call {
        GET_MANAGER, DISCONNECT, INITIALIZE, QUERY
    }

    /**
     * What one step leaves behind.
     *
     * @param instanceExists whether the process-wide manager exists
     * @param sameInstance   whether the step's manager, if it returned one, is the one getInstance() returns
     * @param phase          the manager's phase, {@code null} when there is none
     * @param connected      {@code isConnected()}, {@code false} when there is no manager
     * @param outcome        what the step itself returned: success, error code or nothing
     */
    record Observation(boolean instanceExists, boolean sameInstance, ConnectionPhase phase, boolean connected,
                       String outcome) {
    }

    private static List<Observation> run(List<Call> calls, DatabaseConfig config, boolean throughFacade) {
        ConnectionManager.resetInstance();
        ConnectionManager.instanceConfig = () -> config;
        List<Observation> observations = new ArrayList<>();
        for (Call call : calls) {
            boolean sameInstance = true;
            String outcome = "-";
            switch (call) {
                case GET_MANAGER -> {
                    ConnectionManager m = throughFacade ? Database.getConnectionManager() : ConnectionManager.getInstance();
                    sameInstance = m == ConnectionManager.getInstance();
                }
                case DISCONNECT -> {
                    if (throughFacade) {
                        Database.disconnectDatabase();
                    } else if (ConnectionManager.existingInstance() != null) {
                        // disconnectDatabase() creates no manager just to disconnect it
                        ConnectionManager.getInstance().disconnect();
                    }
                }
                case INITIALIZE -> {
                    ConnectionResult r = ConnectionManager.getInstance().initializeConnection();
                    outcome = r.success() ? "connected" : r.error().code().name();
                }
                case QUERY -> outcome = query();
            }
            ConnectionManager m = ConnectionManager.existingInstance();
            observations.add(new Observation(m != null, sameInstance, m == null ? null : m.getConnectionStatus().phase(),
                    m != null && m.isConnected(), outcome));
        }
        ConnectionManager m = ConnectionManager.existingInstance();
        if (m != null && m.isConnected()) {
            TestConfigs.assertAllConnectionsReturned(m);
        }
        return observations;
    }

    /** A round trip through the process-wide manager's DataSource, if it exists. */
    private static String query() {
        ConnectionManager m = ConnectionManager.existingInstance();
        if (m == null) {
            return "no manager";
        }
        try {
            return Jdbc.selectOne(m.dataSource()) == 1 ? "1" : "wrong answer";
        } catch (DatabaseError e) {
            return e.code().name();
        } catch (SQLException e) {
            return "SQLException " + m.categorize(e).code();
        }
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        return Arbitraries.of(Call.class).list().ofMinSize(1).ofMaxSize(6);
    }
}

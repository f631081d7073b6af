package dev.pgkeeper.benchmarks;

import dev.pgkeeper.testing.PrivateServer;
import java.time.Duration;
import java.util.Locale;
import org.apache.ibatis.session.SqlSession;

/**
 * Runs one contender's select load for a while, for a profiler to watch: where does a pgkeeper repository
 * call spend the time that plain MyBatis does not? Arguments: {@code pgkeeper|mybatis [threads] [seconds]}.
 *
 * <pre>mvn -q -pl benchmarks -am compile exec:exec -Dbench.main=Profile -Dbench.args="pgkeeper 8 30" \
 *     -Dbench.jvm=-XX:StartFlightRecording=filename=target/pgkeeper.jfr,settings=profile</pre>
 */
public final class Profile {

    private Profile() {
    }

    public static void main(String[] arguments) throws Exception {
        // Maven passes -Dbench.args="pgkeeper 8 30" as one argument.
        String[] args = String.join(" ", arguments).trim().split("\\s+");
        String contender = args.length > 0 ? args[0] : "pgkeeper";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 30);
        int scale = 1;
        try (PrivateServer server = PrivateServer.startNew()) {
            Pgbench.locate(server.host(), server.port()).initialize(scale);
            try (Contenders c = Contenders.open(server)) {
                Load.Operation operation = switch (contender) {
                    case "pgkeeper" -> r -> c.repository.balance(r.nextInt(1, scale * 100_000 + 1));
                    case "mybatis" -> r -> {
                        try (SqlSession session = c.plainMyBatis.openSession(true)) {
                            session.getMapper(AccountMapper.class).balance(r.nextInt(1, scale * 100_000 + 1));
                        }
                    };
                    default -> throw new IllegalArgumentException("pgkeeper or mybatis, not " + contender);
                };
                Load.run(threads, Duration.ofSeconds(5), false, operation); // warm-up, outside the interesting part
                Load.Result result = Load.run(threads, duration, false, operation);
                System.out.printf(Locale.ROOT, "%s %d threads: %.0f ops/s%n", contender, threads, result.perSecond());
            }
        }
        System.exit(0);
    }
}

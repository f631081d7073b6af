package dev.pgkeeper.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseUrls;
import dev.pgkeeper.Sleeper;
import dev.pgkeeper.ValidationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property 10 of the design: {@code sleep}, {@code validateDatabaseUrl} and {@code sanitizeUrl} are pure and
 * deterministic. A generated batch of calls runs three times: in order on this thread, in a shuffled order
 * on another thread, and each call alone. Every call must give the same answer in all three, so an answer
 * depends on the call's own input only, never on earlier calls, their order or the thread. A sleep always
 * completes after at least the asked time; an interrupted sleep returns early with the interrupt status kept.
 * 200 tries.
 */
class UtilityPurityProperties {

    /** Characters that matter in URLs, so that generated text reaches the parser's interesting paths. */
    private static final String URL_CHARACTERS = "postgresqljdbc:/@?#&=%[]:,.-_ '\"\\+*0123456789ABCDEFxyz";

    @Property(tries = 200)
    @Label("Seed property 10: sleep, validateDatabaseUrl and sanitizeUrl answer from their input alone")
    void utilitiesAnswerFromTheirInputAlone(@ForAll("batches") List<Call> calls, @ForAll long shuffleSeed)
            throws Exception {
        List<Object> inOrder = new ArrayList<>();
        for (Call call : calls) {
            inOrder.add(call.run());
        }

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(shuffleSeed));
        Object[] shuffled = CompletableFuture.supplyAsync(() -> {
            Object[] answers = new Object[calls.size()];
            for (int i : order) {
                answers[i] = calls.get(i).run();
            }
            return answers;
        }).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < calls.size(); i++) {
            Object alone = calls.get(i).run();
            assertThat(shuffled[i]).as("%s on another thread, in another order", calls.get(i)).isEqualTo(inOrder.get(i));
            assertThat(alone).as("%s alone", calls.get(i)).isEqualTo(inOrder.get(i));
        }
    }

    /** One call of a utility, with its input. */
    sealed interface Call {
        /** The call's answer, as a value that can be compared. */
        Object run();
    }

    /** {@code validateDatabaseUrl(text, production)}. */
    record Validate(String text, boolean production) implements Call {
        @Override
        public Object run() {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(text, production);
            assertThat(result.valid()).isEqualTo(result.errors().isEmpty());
            return result;
        }
    }

    /** {@code sanitizeUrl(text)}; sanitizing the answer again changes nothing. */
    record Sanitize(String text) implements Call {
        @Override
        public Object run() {
            String once = DatabaseUrls.sanitizeUrl(text);
            assertThat(DatabaseUrls.sanitizeUrl(once)).isEqualTo(once);
            return once;
        }
    }

    /**
     * {@code sleep(millis)}, optionally with the interrupt status set first. Its answer is what it returned
     * and whether the interrupt status was set afterwards; the time it took is checked here.
     */
    record Sleep(long millis, boolean interrupted) implements Call {
        @Override
        public Object run() {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            long start = System.nanoTime();
            boolean completed = Sleeper.sleep(Duration.ofMillis(millis));
            long took = System.nanoTime() - start;
            boolean stillInterrupted = Thread.interrupted(); // clears it, for the calls that follow
            if (completed) {
                assertThat(took).as("slept at least %d ms", millis).isGreaterThanOrEqualTo(millis * 1_000_000);
            }
            return List.of(completed, stillInterrupted);
        }
    }

    @Provide
    Arbitrary<List<Call>> batches() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.strings().withChars(URL_CHARACTERS).ofMaxLength(60),
                Arbitraries.of("postgresql://app:s3cr%40t@db1:5432,db2:5433/orders?sslmode=require",
                        "postgres://[::1]:5432/postgres", "jdbc:postgresql://localhost/app?user=a&password=b",
                        "postgresql://localhost", "mysql://root@localhost/db", "", " "),
                Arbitraries.just(null));
        Arbitrary<Call> validate = Combinators.combine(text, Arbitraries.of(true, false)).as(Validate::new);
        Arbitrary<Call> sanitize = text.map(Sanitize::new);
        Arbitrary<Call> sleep = Combinators.combine(Arbitraries.longs().between(0, 3),
                Arbitraries.of(true, false)).as(Sleep::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, validate),
                        net.jqwik.api.Tuple.of(4, sanitize),
                        net.jqwik.api.Tuple.of(1, sleep))
                .list().ofMinSize(1).ofMaxSize(8);
    }
}

package dev.pgkeeper.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link OutageAccounting} against random sequences of phases with random gaps between events, on Micrometer's
 * {@link MockClock} kept in step with the events' timestamps. The expectations are computed another way: by
 * looking forward from each outage's start for what ended it.
 */
class OutageAccountingProperties {

    record Step(ConnectionPhase phase, long gapMillis) { }

    @Provide
    Arbitrary<List<Step>> steps() {
        // Phases a running manager moves through, CONNECTED and RECONNECTING more often, as in life.
        Arbitrary<ConnectionPhase> phases = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(ConnectionPhase.CONNECTED)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(ConnectionPhase.RECONNECTING)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(ConnectionPhase.FAILED)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(ConnectionPhase.CONNECTING)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(ConnectionPhase.DISCONNECTED)));
        return Combinators.combine(phases, Arbitraries.longs().between(0, 120_000)).as(Step::new).list().ofMaxSize(40);
    }

    @Property(tries = 1000)
    void countsOutagesAndRecordsEachRecoveryAndTheOutageUnderWay(@ForAll("steps") List<Step> steps,
                                                                  @ForAll ConnectionPhase initial) {
        MockClock clock = new MockClock();
        SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
        Counter outages = Counter.builder("o").register(registry);
        LongTaskTimer ongoing = LongTaskTimer.builder("d").register(registry);
        Timer recovery = Timer.builder("r").register(registry);
        OutageAccounting accounting = new OutageAccounting(initial, outages, ongoing, recovery);

        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<Instant> at = new ArrayList<>();
        Instant now = start;
        for (Step s : steps) {
            now = now.plusMillis(s.gapMillis());
            clock.add(Duration.ofMillis(s.gapMillis()));
            at.add(now);
            accounting.on(new ConnectionEvent(ConnectionEvent.Type.CONNECTED, s.phase(), now, 0, null, null));
        }

        int expectedOutages = 0;
        int expectedRecoveries = 0;
        long expectedRecoveryMillis = 0;
        Instant open = null;
        for (int i = 0; i < steps.size(); i++) {
            ConnectionPhase before = i == 0 ? initial : steps.get(i - 1).phase();
            ConnectionPhase after = steps.get(i).phase();
            boolean lost = before == ConnectionPhase.CONNECTED
                    && (after == ConnectionPhase.RECONNECTING || after == ConnectionPhase.FAILED);
            if (!lost) {
                continue;
            }
            expectedOutages++;
            int end = i + 1;
            while (end < steps.size() && steps.get(end).phase() != ConnectionPhase.CONNECTED
                    && steps.get(end).phase() != ConnectionPhase.DISCONNECTED) {
                end++;
            }
            if (end == steps.size()) {
                open = at.get(i);
            } else if (steps.get(end).phase() == ConnectionPhase.CONNECTED) {
                expectedRecoveries++;
                expectedRecoveryMillis += Duration.between(at.get(i), at.get(end)).toMillis();
            }
        }

        assertThat(outages.count()).isEqualTo(expectedOutages);
        assertThat(recovery.count()).isEqualTo(expectedRecoveries);
        assertThat((long) recovery.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(expectedRecoveryMillis);
        assertThat(accounting.inOutage()).isEqualTo(open != null);
        assertThat(ongoing.activeTasks()).isEqualTo(open != null ? 1 : 0);
        if (open != null) {
            assertThat((long) ongoing.duration(TimeUnit.MILLISECONDS))
                    .isEqualTo(Duration.between(open, now).toMillis());
        }
        assertThat(recovery.totalTime(TimeUnit.MILLISECONDS) + ongoing.duration(TimeUnit.MILLISECONDS))
                .as("never more outage than time").isLessThanOrEqualTo(Duration.between(start, now).toMillis());
    }

    @Property(tries = 100)
    void aClockSteppedBackwardsRecordsNoNegativeRecovery(@ForAll("backwards") long backMillis) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Timer recovery = Timer.builder("r").register(registry);
        OutageAccounting accounting = new OutageAccounting(ConnectionPhase.CONNECTED,
                Counter.builder("o").register(registry), LongTaskTimer.builder("d").register(registry), recovery);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        accounting.on(new ConnectionEvent(ConnectionEvent.Type.CONNECTION_LOST, ConnectionPhase.RECONNECTING, t, 0,
                null, null));
        accounting.on(new ConnectionEvent(ConnectionEvent.Type.CONNECTED, ConnectionPhase.CONNECTED,
                t.minusMillis(backMillis), 0, null, null));

        assertThat(recovery.count()).isEqualTo(1);
        assertThat(recovery.totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    @Provide
    Arbitrary<Long> backwards() {
        return Arbitraries.longs().between(1, 86_400_000);
    }
}

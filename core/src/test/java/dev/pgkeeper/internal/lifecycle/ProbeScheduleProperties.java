package dev.pgkeeper.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The probe schedule on a simulated clock: a caller probes as soon as the schedule allows, every probe fails after
 * a random time, some with "not ready". Clocks start anywhere, overflow included, as {@link System#nanoTime()}
 * may.
 */
class ProbeScheduleProperties {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One probe of the simulation: when it started and ended, and whether the server answered "not ready". */
    record Attempt(long start, long end, boolean notReady) {
    }

    @Property(tries = 300)
    void everyGapKeepsToTheSchedule(@ForAll @IntRange(min = 10, max = 200) int firstMs,
                                    @ForAll @IntRange(min = 0, max = 3_000) int fastMs,
                                    @ForAll @IntRange(min = 10, max = 2_000) int maxMs,
                                    @ForAll @IntRange(min = 0, max = 60) int latencyMs,
                                    @ForAll @IntRange(min = 0, max = 5) int notReadyEvery,
                                    @ForAll @LongRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE) long clockStart,
                                    @ForAll Random random) {
        int max = Math.max(firstMs, maxMs);
        ProbeSchedule schedule = new ProbeSchedule(Duration.ofMillis(firstMs), Duration.ofMillis(fastMs),
                Duration.ofMillis(max), random::nextDouble);
        List<Attempt> attempts = run(schedule, clockStart, 15_000 * MS, latencyMs * MS, notReadyEvery, random);

        long first = firstMs * MS;
        long cap = max * MS;
        long notReadyFloor = Math.max(first, Math.min(cap, 100 * MS));
        long outageStart = attempts.get(0).start();
        long gap = first;
        for (int i = 0; i + 1 < attempts.size(); i++) {
            Attempt failed = attempts.get(i);
            if (failed.end() - outageStart >= fastMs * MS) {
                gap = Math.min(cap, gap * 2);
            }
            long planned = failed.notReady() ? Math.max(gap, notReadyFloor) : gap;
            long next = attempts.get(i + 1).start();
            // one probe per gap, counted from starts; never before the failed probe ended
            assertThat(next - failed.end()).as("probe %d starts after probe %d ended", i + 1, i).isNotNegative();
            assertThat(next - failed.start()).as("gap after probe %d, which ended %d ms into the outage", i,
                            (failed.end() - outageStart) / MS)
                    .isBetween(Math.max((long) (planned * 0.75) - 1, failed.end() - failed.start()),
                            Math.max(planned, failed.end() - failed.start()));
        }
    }

    @Property(tries = 200)
    void withTheDefaultsAnInstanceProbesAtMostFiveTimesASecondAfterTwoSeconds(
            @ForAll @IntRange(min = 0, max = 50) int latencyMs,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double cut,
            @ForAll boolean randomCuts,
            @ForAll @IntRange(min = 0, max = 5) int notReadyEvery,
            @ForAll @LongRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE) long clockStart,
            @ForAll Random random) {
        // cut near 1 is the worst case: every gap cut by a quarter
        ProbeSchedule schedule = new ProbeSchedule(Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofMillis(300),
                randomCuts ? random::nextDouble : () -> cut);
        List<Attempt> attempts = run(schedule, clockStart, 10_000 * MS, latencyMs * MS, notReadyEvery, random);
        long outageStart = attempts.get(0).start();
        long late = attempts.stream().filter(a -> a.start() - outageStart >= 2_000 * MS).count();
        assertThat(late).as("probes from 2 s to 10 s into the outage").isLessThanOrEqualTo(40);
        long early = attempts.size() - late;
        assertThat(early).as("probes in the first 2 s: fast, unless the server answers 'not ready'")
                .isGreaterThanOrEqualTo(notReadyEvery == 1 ? 2_000 / (100 + 50) : 2_000 / (20 + 50) / 2);
    }

    @Property(tries = 100)
    void anAnswerEndsTheOutageAndTheNextOneStartsFastAgain(@ForAll @IntRange(min = 10, max = 100) int firstMs,
                                                          @ForAll @IntRange(min = 1, max = 30) int failures,
                                                          @ForAll @LongRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE) long now,
                                                          @ForAll Random random) {
        ProbeSchedule schedule = new ProbeSchedule(Duration.ofMillis(firstMs), Duration.ZERO, Duration.ofSeconds(1),
                random::nextDouble);
        for (int i = 0; i < failures; i++) {
            assertThat(schedule.claim(now)).isTrue();
            assertThat(schedule.claim(now)).as("a second call at the same moment").isFalse();
            schedule.failed(now, now, false);
            now += schedule.nanosUntilNext(now);
        }
        schedule.connected();
        assertThat(schedule.nanosUntilNext(now)).isZero();
        assertThat(schedule.claim(now)).isTrue();
        schedule.failed(now, now, false);
        // no fast period here, so the first failure already doubles the gap: 2 x first, not where it had grown to
        assertThat(schedule.nanosUntilNext(now)).isBetween((long) (2 * firstMs * MS * 0.75) - 1, 2 * firstMs * MS);
    }

    @Property(tries = 200)
    void afterARefusedLoginRetriesWaitOneSecondThenDoubleUpToTheReconnectInterval(
            @ForAll @IntRange(min = 100, max = 120_000) int reconnectMs,
            @ForAll @IntRange(min = 0, max = 200) int latencyMs,
            @ForAll @LongRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE) long clockStart,
            @ForAll Random random) {
        ProbeSchedule schedule = ProbeSchedule.afterRefusedLogin(DatabaseConfig.builder().url("postgresql://app@db/orders")
                .reconnectInterval(Duration.ofMillis(reconnectMs)).build());
        long now = clockStart;
        assertThat(schedule.claimAfterAGap(now)).as("the first call after a refusal only starts the clock").isFalse();
        long cap = reconnectMs * MS;
        long gap = Math.min(1_000 * MS, cap);
        long lastStart = now;
        long lastEnd = now;
        for (int retry = 1; retry <= 15; retry++) {
            long wait = schedule.nanosUntilNext(now);
            if (wait > 1) {
                assertThat(schedule.claimAfterAGap(now + wait - 1)).as("retry %d just before it is due", retry).isFalse();
            }
            now += wait;
            assertThat(schedule.claimAfterAGap(now)).as("retry %d when due", retry).isTrue();
            assertThat(schedule.claimAfterAGap(now)).as("a second call at the same moment").isFalse();
            assertThat(now - lastStart).as("gap before retry %d", retry)
                    .isBetween(Math.max((long) (gap * 0.75) - 1, lastEnd - lastStart), Math.max(gap, lastEnd - lastStart));
            long end = now + (latencyMs == 0 ? 0 : (long) (random.nextDouble() * latencyMs * MS));
            schedule.failed(now, end, false);
            gap = Math.min(cap, gap * 2);
            lastStart = now;
            lastEnd = end;
            now = end;
        }
    }

    /** A caller that probes whenever the schedule lets it, every probe failing after {@code latency}. */
    private static List<Attempt> run(ProbeSchedule schedule, long clockStart, long duration, long latency,
                                     int notReadyEvery, Random random) {
        List<Attempt> attempts = new ArrayList<>();
        long now = clockStart;
        while (now - clockStart < duration) {
            assertThat(schedule.claim(now)).isTrue();
            long end = now + (latency == 0 ? 0 : (long) (random.nextDouble() * latency));
            boolean notReady = notReadyEvery > 0 && attempts.size() % notReadyEvery == 0;
            schedule.failed(now, end, notReady);
            attempts.add(new Attempt(now, end, notReady));
            long wait = schedule.nanosUntilNext(end);
            if (wait > 1) {
                assertThat(schedule.claim(end + wait - 1)).as("a call just before the next probe is due").isFalse();
            }
            now = end + wait;
        }
        return attempts;
    }
}

package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** Property 10 for {@link Sleeper#sleep}: at least the asked time, interrupt status kept. 300 tries. */
class SleeperProperties {

    @Property(tries = 100, generation = GenerationMode.RANDOMIZED)
    void sleepsAtLeastTheAskedTime(@ForAll @LongRange(min = 0, max = 15) long millis) {
        long start = System.nanoTime();

        boolean completed = Sleeper.sleep(Duration.ofMillis(millis));

        assertThat(completed).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(millis).toNanos());
    }

    @Property(tries = 100)
    void anInterruptedSleepReturnsEarlyWithTheInterruptStatusSet(@ForAll @LongRange(min = 1, max = 60_000) long millis) {
        Thread.currentThread().interrupt();
        try {
            boolean completed = Sleeper.sleep(millis);

            assertThat(completed).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Property(tries = 100)
    void negativeDurationsAreRejected(@ForAll @LongRange(min = Long.MIN_VALUE / 2, max = -1) long millis) {
        assertThatIllegalArgumentException().isThrownBy(() -> Sleeper.sleep(millis)).withMessageContaining("negative");
        assertThatIllegalArgumentException().isThrownBy(() -> Sleeper.sleep(Duration.ofMillis(millis)));
    }
}

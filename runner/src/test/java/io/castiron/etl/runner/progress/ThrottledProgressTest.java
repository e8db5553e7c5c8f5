package io.castiron.etl.runner.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class ThrottledProgressTest {

    @Test
    void manyUpdatesBecomeFewWritesAndTheLastStateAlwaysLands() {
        List<ProgressState> writes = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        try (var throttled = new ThrottledProgress(Duration.ofMillis(200), writes::add)) {
            throttled.task("loading");
            for (int i = 1; i <= 20_000; i++) {
                throttled.progress(i / 20_000.0);
                throttled.committed(i);
            }
            throttled.task("done");
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(writes).last().isEqualTo(new ProgressState(1.0, "done", 20_000L));
        // one write at once, then at most one per 200 ms, plus the last one at close
        assertThat(writes.size()).isLessThanOrEqualTo(2 + (int) (seconds / 0.2) + 1);
    }

    @Test
    void nothingReportedMeansNothingWritten() {
        List<ProgressState> writes = new ArrayList<>();
        new ThrottledProgress(Duration.ofMillis(50), writes::add).close();
        assertThat(writes).isEmpty();
    }
}

package io.castiron.etl.runner.progress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void readsTheFourKindsOfLine() {
        assertThat(ProgressLine.parse("PROGRESS 0.4")).contains(new ProgressLine.Fraction(0.4));
        assertThat(ProgressLine.parse("PROGRESS 2/5")).contains(new ProgressLine.Fraction(0.4));
        assertThat(ProgressLine.parse("PROGRESS 2 / 5")).contains(new ProgressLine.Fraction(0.4));
        assertThat(ProgressLine.parse("progress 1")).contains(new ProgressLine.Fraction(1.0));
        assertThat(ProgressLine.parse("TASK loading rows 10-20 ")).contains(new ProgressLine.Task("loading rows 10-20"));
        assertThat(ProgressLine.parse("COMMITTED 120")).contains(new ProgressLine.Committed(120));
    }

    @Test
    void ignoresMalformedUnknownAndOutOfRangeLines() {
        for (String line : new String[] {"", "   ", "END", "PROGRESS", "PROGRESS abc", "PROGRESS 1.5", "PROGRESS -0.1",
                "PROGRESS 6/5", "PROGRESS 1/0", "PROGRESS 1/2/3", "TASK", "COMMITTED -3", "COMMITTED 2.5",
                "COMMITTED many", "HELLO world", "42"}) {
            assertThat(ProgressLine.parse(line)).as("'%s'", line).isEmpty();
        }
        assertThat(ProgressLine.parse(null)).isEmpty();
    }
}

package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image build runs {@code cds-training} where there is no server and no cluster. */
class CdsTrainingTest {
    @TempDir
    Path temp;

    @Test
    void trainingNeedsNoServerExitsZeroAndLeavesNothingBehind() throws IOException {
        assertThat(CdsTraining.run(temp)).isZero();

        try (var left = Files.list(temp)) {
            assertThat(left).isEmpty();
        }
    }
}

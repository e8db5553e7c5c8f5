package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.runner.RunnerHarness.StagedFile;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.store.ObjectStoreException;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * A runner attempt that stops between the copy and the delete of its final move (the pod killed, S3 gone) leaves
 * the file both in processing and in archive or error. The Job's next attempt finishes that move: it neither
 * processes the file again nor leaves it in two places.
 */
@ExtendWith(TestServers.class)
class InterruptedMoveTest {
    @TempDir
    Path temp;
    RunnerHarness harness;
    Path runs;

    @BeforeEach
    void servers(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka) {
        harness = new RunnerHarness(s3, pg, kafka);
        runs = temp.resolve("runs");
    }

    /** A shell processor that counts its runs in {@link #runs} and fails on its first run when {@code failFirst}. */
    private Processor counting(boolean failFirst) {
        return Processor.shell("echo run >> \"$RUNS\"; "
                + (failFirst ? "[ \"$(wc -l < \"$RUNS\")\" -gt 1 ] || { echo 'first run fails' >&2; exit 1; }" : "true"));
    }

    /** An attempt whose every move stops after its copy, as if the pod died there. */
    private int attemptStoppedAfterTheCopy(StagedFile file) {
        var options = harness.options(temp.resolve("work"), null);
        var faulty = new Runner.Options(options.retry(), options.python(), options.tempRoot(),
                options.statusInterval(), null, settings -> {
                    ObjectStore store = ObjectStore.from(settings);
                    store.setBeforeDeleteOfMove(to -> {
                        throw new ObjectStoreException("injected fault: stopped after copying to " + to);
                    });
                    return store;
                });
        return new Runner(faulty).run(file.env());
    }

    private int attempt(StagedFile file) {
        return new Runner(harness.options(temp.resolve("work"), null)).run(file.env());
    }

    /** The status values of the file's messages on the topic. */
    private List<String> statuses(StagedFile file) {
        return harness.published(file).stream()
                .map(r -> RunnerHarness.json(r.value()).path("status").asText()).toList();
    }

    private long runCount() throws IOException {
        return Files.readAllLines(runs).size();
    }

    @Test
    void aRetryAfterTheCopyToArchiveFinishesTheMoveWithoutProcessingAgain() throws IOException {
        var file = harness.stage(counting(false), "copied.csv", "x\n").with("RUNS", runs.toString());

        assertThat(attemptStoppedAfterTheCopy(file)).isEqualTo(RunnerExitCodes.INFRASTRUCTURE_FAILURE);
        assertThat(harness.exists(file.processingKey())).isTrue();
        assertThat(harness.exists(file.archiveKey())).as("the copy made before the fault").isTrue();

        assertThat(attempt(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(runCount()).as("processor runs").isEqualTo(1);
        assertThat(harness.exists(file.processingKey())).isFalse();
        assertThat(harness.read(file.archiveKey())).isEqualTo("x\n");
        var row = harness.row(file);
        assertThat(row.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(row.fileName()).isEqualTo(file.archiveKey());
        assertThat(statuses(file)).containsExactly("success");
    }

    @Test
    void aRetryAfterTheCopyToErrorEndsInErrorOnlyWithItsErrorLog() throws IOException {
        var file = harness.stage(counting(true), "failed.csv", "y\n", true, true).with("RUNS", runs.toString());

        assertThat(attemptStoppedAfterTheCopy(file)).isEqualTo(RunnerExitCodes.INFRASTRUCTURE_FAILURE);
        assertThat(harness.exists(file.errorKey())).as("the copy made before the fault").isTrue();
        assertThat(harness.exists(file.errorLogKey())).isTrue();

        assertThat(attempt(file)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);

        assertThat(runCount()).as("processor runs (a second run would succeed)").isEqualTo(1);
        assertThat(harness.exists(file.processingKey())).isFalse();
        assertThat(harness.exists(file.archiveKey())).as("in archive as well").isFalse();
        assertThat(harness.read(file.errorKey())).isEqualTo("y\n");
        assertThat(harness.read(file.errorLogKey())).contains("first run fails");
        var row = harness.row(file);
        assertThat(row.status()).isEqualTo(FileStatus.FAILED);
        assertThat(row.fileName()).isEqualTo(file.errorKey());
        assertThat(statuses(file)).containsExactly("failure");
    }
}

package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileSpec;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.runner.RunnerHarness.StagedFile;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.testkit.TestServers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/** A runner taking a batch of files ({@code files_per_job}): each file keeps its own outcome, row and messages. */
@EnableKubernetesMockClient(crud = true)
class RunnerBatchTest extends OnTestServers {
    static KubernetesClient kubernetes;

    private int run(List<StagedFile> batch) {
        return new Runner(harness.options(temp.resolve("work"), kubernetes)).run(batch.get(0).env());
    }

    /** A shell processor that logs each file's name, and fails on bad.csv. */
    private Processor logging(Path log) {
        return Processor.shell("n=$(basename \"$ETL_FILENAME\"); echo $n >> " + log
                + "; case $n in bad.csv) echo broken >&2; exit 1;; esac");
    }

    private static Map<String, Long> runs(Path log) throws Exception {
        return Files.readAllLines(log).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private void createEtlFiles(List<StagedFile> batch) {
        for (StagedFile f : batch) {
            var file = new EtlFile();
            file.setMetadata(new ObjectMetaBuilder().withName(f.contract().etlFileName())
                    .withNamespace(RunnerHarness.NAMESPACE).build());
            file.setSpec(new EtlFileSpec());
            kubernetes.resource(file).create();
        }
    }

    @Test
    void aFailingFileFailsAloneTheOthersAreProcessedAndTheBatchSucceeds() throws Exception {
        Path log = temp.resolve("runs.log");
        var batch = harness.stageBatch(logging(log), List.of("a.csv", "bad.csv", "c.csv"));
        createEtlFiles(batch);

        assertThat(run(batch)).as("a processor failure is the file's outcome, not the batch's")
                .isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(runs(log)).containsExactlyInAnyOrderEntriesOf(Map.of("a.csv", 1L, "bad.csv", 1L, "c.csv", 1L));
        for (StagedFile f : List.of(batch.get(0), batch.get(2))) {
            assertThat(harness.exists(f.archiveKey())).isTrue();
            assertThat(harness.row(f).status()).isEqualTo(FileStatus.COMPLETE);
        }
        StagedFile bad = batch.get(1);
        assertThat(harness.exists(bad.errorKey())).isTrue();
        assertThat(harness.exists(bad.processingKey())).isFalse();
        assertThat(harness.row(bad).status()).isEqualTo(FileStatus.FAILED);
        assertThat(harness.read(bad.layout().errorLogKey(bad.contract().fileId(), "bad.csv"))).contains("broken");
        // each file's EtlFile is told when the batch is done with it, before the batch ends
        assertThat(batch).extracting(f -> kubernetes.resources(EtlFile.class).inNamespace(RunnerHarness.NAMESPACE)
                .withName(f.contract().etlFileName()).get().getStatus().getRunnerOutcome())
                .containsExactly("Processed", "ProcessorFailed", "Processed");
        assertThat(harness.messages(bad, 3)).extracting(m -> m.path("job_id").asText() + "=" + m.path("status")
                .asText()).contains(bad.contract().fileId() + "=failure",
                        batch.get(2).contract().fileId() + "=success");
    }

    /** The Job's next pod after a runner died mid-batch: only the files not finished yet are processed. */
    @Test
    void aRerunOfTheBatchProcessesOnlyTheFilesNotFinishedBefore() throws Exception {
        Path log = temp.resolve("runs.log");
        var batch = harness.stageBatch(logging(log), List.of("a.csv", "bad.csv", "c.csv", "d.csv"));
        // an earlier pod of the Job finished the first two files and was killed while on the third
        var second = batch.get(1).contract();
        var firstTwo = new HashMap<>(batch.get(0).env());
        firstTwo.putAll(batch.get(0).contract().withMoreFiles(List.of(new JobContract.BatchFile(second.fileId(),
                second.etlFileName(), second.processingKey(), second.originalName()))).toEnv());
        assertThat(new Runner(harness.options(temp.resolve("earlier"), null)).run(firstTwo))
                .isEqualTo(RunnerExitCodes.PROCESSED);
        harness.rows.markProcessing(batch.get(2).id(), 1, "killed");

        assertThat(run(batch)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(runs(log)).containsExactlyInAnyOrderEntriesOf(
                Map.of("a.csv", 1L, "bad.csv", 1L, "c.csv", 1L, "d.csv", 1L));
        assertThat(harness.row(batch.get(2)).attempts()).isEqualTo(2);
        assertThat(harness.row(batch.get(1)).status()).isEqualTo(FileStatus.FAILED);
        assertThat(batch.subList(2, 4)).allSatisfy(f -> assertThat(harness.exists(f.archiveKey())).isTrue());
    }

    /**
     * One Python interpreter for the batch: the module imported and the worker set up once; a file that raises fails
     * alone; an interpreter that dies fails its file, and the next file gets a new interpreter.
     */
    @Test
    void oneInterpreterServesTheBatchAndAFileThatKillsItFailsAlone() throws Exception {
        Path log = temp.resolve("warm.log");
        var python = new PythonProcessor("run");
        python.setWorkerClass("castiron_test_processors.warm.Worker");
        python.setWorkerSetupMethod("setup");
        python.getStaticKwargs().put("greeting", com.fasterxml.jackson.databind.node.TextNode.valueOf("hi"));
        var batch = harness.stageBatch(Processor.python(python),
                List.of("a.csv", "raise.csv", "b.csv", "die.csv", "c.csv"));
        var env = new HashMap<>(batch.get(0).env());
        env.put("CASTIRON_TEST_WARM_LOG", log.toString());

        assertThat(new Runner(harness.options(temp.resolve("work"), null)).run(env))
                .isEqualTo(RunnerExitCodes.PROCESSED);

        List<String> lines = Files.readAllLines(log);
        assertThat(lines.stream().map(l -> l.split(" ")[0] + (l.startsWith("run") ? " " + l.split(" ")[1] : ""))
                .toList()).containsExactly("import", "init", "setup", "run a.csv", "run raise.csv", "run b.csv",
                        "run die.csv", "import", "init", "setup", "run c.csv");
        assertThat(lines.get(2)).isEqualTo("setup greeting");
        List<String[]> runs = lines.stream().filter(l -> l.startsWith("run")).map(l -> l.split(" ")).toList();
        assertThat(runs.subList(0, 4)).extracting(r -> r[2]).as("one interpreter's pid").containsOnly(runs.get(0)[2]);
        assertThat(runs.get(4)[2]).as("a new interpreter after the crash").isNotEqualTo(runs.get(0)[2]);
        assertThat(runs).allSatisfy(r -> {
            assertThat(r[3]).as("ETL_ORIGINAL_NAME of each file").isEqualTo(r[1]);
            assertThat(r[4]).as("each call runs in its file's folder").isEqualTo("True");
        });
        for (int i : List.of(0, 2, 4)) {
            assertThat(harness.exists(batch.get(i).archiveKey())).as(batch.get(i).contract().originalName()).isTrue();
        }
        StagedFile raised = batch.get(1);
        assertThat(harness.read(raised.layout().errorLogKey(raised.contract().fileId(), "raise.csv")))
                .contains("ValueError: no good: raise.csv");
        StagedFile died = batch.get(3);
        assertThat(harness.exists(died.errorKey())).isTrue();
        assertThat(harness.row(died).error()).contains("9");
    }

    /** A file canceled before the batch reached it (its row Canceled) is skipped and left where it is. */
    @Test
    void aFileCanceledBeforeItsTurnIsSkipped() throws Exception {
        Path log = temp.resolve("runs.log");
        var batch = harness.stageBatch(logging(log), List.of("a.csv", "b.csv", "c.csv"));
        assertThat(harness.rows.cancelUnlessStarted(batch.get(1).id())).isTrue();

        assertThat(run(batch)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(runs(log)).containsOnlyKeys("a.csv", "c.csv");
        assertThat(harness.exists(batch.get(1).processingKey())).as("left for the operator's cancel").isTrue();
        assertThat(harness.row(batch.get(1)).status()).isEqualTo(FileStatus.CANCELED);
        assertThat(harness.exists(batch.get(2).archiveKey())).isTrue();
    }
}

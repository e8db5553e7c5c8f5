package io.castiron.etl.e2e;

import static io.castiron.etl.e2e.Harness.WAIT;
import static io.castiron.etl.e2e.Harness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * {@code files_per_job}: one Job, one runner, several files, on the real control plane. Each file of a batch keeps
 * what a file of its own Job has: its outcome alone, a rerun of only what was not finished, its own cancel.
 *
 * <p>Each test first drops a gate file that holds the pipeline's one Job slot for a few seconds, so the files dropped
 * next queue behind it and the slot, once free, takes them all as one batch.
 */
class BatchTest extends OnTheControlPlane {
    private static final byte[] CSV = "id\n1\n".getBytes(StandardCharsets.UTF_8);
    /** The annotation naming a batch Job's files, in the order its runner takes them. */
    private static final String BATCH_FILES = EtlPipeline.GROUP + "/batch-files";

    /** A pipeline of batches of up to 10 files and one Job at a time; the script logs each file's name first. */
    private static Installation.Installed batchPipeline(String name, Path log, String script) {
        return h.install(name, name + ".toml", Harness.pipeline(".csv", """
                max_concurrent_jobs = 1
                shell = "n=$(basename \\"$ETL_FILENAME\\"); echo $n >> %s; case $n in gate.csv) sleep 4;; esac; %s"
                [castiron.etl.runner]
                files_per_job = 10
                """.formatted(log, script)));
    }

    /** Drops the gate, waits until its runner holds the slot, then drops {@code names}. */
    private static void dropBehindTheGate(Installation.Installed p, Path log, List<String> names) {
        h.drop(p.bucket(), p.key("01_inbox", "gate.csv"), CSV);
        await().atMost(WAIT).until(() -> Files.readString(log).contains("gate.csv"));
        for (String name : names) {
            h.drop(p.bucket(), p.key("01_inbox", name), CSV);
        }
    }

    /** The batch Job that took {@code names}: the same Job for all of them, its annotation naming each. */
    private static Job batchOf(Installation.Installed p, List<String> names) {
        Map<String, EtlFile> byName = byOriginalName(p);
        String jobName = byName.get(names.get(0)).getStatus().getJobName();
        Job job = h.client.batch().v1().jobs().withName(jobName).get();
        assertThat(job).as("Job " + jobName).isNotNull();
        assertThat(job.getMetadata().getAnnotations().get(BATCH_FILES).split(","))
                .containsExactlyInAnyOrder(names.stream().map(n -> byName.get(n).getMetadata().getName())
                        .toArray(String[]::new));
        return job;
    }

    private static Map<String, EtlFile> byOriginalName(Installation.Installed p) {
        return h.files(p.name()).stream()
                .collect(Collectors.toMap(f -> f.getSpec().getOriginalName(), Function.identity()));
    }

    private static Map<String, Long> runsPerFile(Path log) throws Exception {
        return Files.readAllLines(log).stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
    }

    @Test
    void aFailingFileFailsAloneAndTheRestOfItsBatchIsProcessed() throws Exception {
        Path log = Files.createTempFile("batch-fail-", ".log");
        var p = batchPipeline("batch-fail", log, "case $n in bad.csv) echo broken >&2; exit 1;; esac");
        List<String> names = List.of("a.csv", "bad.csv", "c.csv", "d.csv");
        dropBehindTheGate(p, log, names);

        h.awaitAllFinal(p.name(), 5);
        Map<String, EtlFile> files = byOriginalName(p);
        batchOf(p, names);
        for (String name : List.of("gate.csv", "a.csv", "c.csv", "d.csv")) {
            EtlFile f = files.get(name);
            assertThat(phase(f)).as(name).isEqualTo(FilePhase.Succeeded);
            assertThat(h.store.exists(p.bucket(), p.key("03_archive", f.getStatus().getFileId() + "-" + name)))
                    .as(name + " archived").isTrue();
        }
        EtlFile bad = files.get("bad.csv");
        assertThat(phase(bad)).isEqualTo(FilePhase.Failed);
        assertThat(bad.getStatus().getReason()).isEqualTo("ProcessorFailed");
        assertThat(h.store.exists(p.bucket(), p.key("04_failed", bad.getStatus().getFileId() + "-bad.csv")))
                .isTrue();
        assertThat(runsPerFile(log)).containsOnlyKeys("gate.csv", "a.csv", "bad.csv", "c.csv", "d.csv")
                .allSatisfy((name, runs) -> assertThat(runs).as(name).isEqualTo(1));
        h.assertEventFor(bad.getStatus().getFileId(), "\"status\":\"failure\"");
        h.assertEventFor(files.get("d.csv").getStatus().getFileId(), "\"status\":\"success\"");
    }

    /**
     * The runner killed in the middle of its batch (SIGKILL, as the kernel's OOM killer does): the Job's next pod
     * runs the batch again; the files finished before the kill are found finished and not processed again, the one
     * being processed runs again (at least once), the rest run once.
     */
    @Test
    void aBatchKilledMidwayRerunsOnlyItsUnfinishedFiles() throws Exception {
        Path log = Files.createTempFile("batch-kill-", ".log");
        Path killed = log.resolveSibling(log.getFileName() + ".killed");
        var p = batchPipeline("batch-kill", log,
                "case $n in kill.csv) [ -e " + killed + " ] || { touch " + killed + "; kill -9 $PPID; sleep 30; };; esac");
        List<String> names = List.of("one.csv", "two.csv", "kill.csv", "four.csv", "five.csv");
        dropBehindTheGate(p, log, names);

        h.awaitAllFinal(p.name(), 6, Duration.ofMinutes(2));
        Map<String, EtlFile> files = byOriginalName(p);
        Job job = batchOf(p, names);
        List<String> order = Arrays.asList(job.getMetadata().getAnnotations().get(BATCH_FILES).split(","));
        assertThat(Files.exists(killed)).as("the runner was killed").isTrue();
        assertThat(files.values()).allSatisfy(f -> assertThat(phase(f)).as(f.getSpec().getOriginalName())
                .isEqualTo(FilePhase.Succeeded));
        Map<String, Long> runs = runsPerFile(log);
        assertThat(runs.get("kill.csv")).as("the file being processed when the runner was killed").isEqualTo(2);
        int killedAt = order.indexOf(files.get("kill.csv").getMetadata().getName());
        for (String name : names) {
            if (!name.equals("kill.csv")) {
                int at = order.indexOf(files.get(name).getMetadata().getName());
                assertThat(runs.get(name)).as(name + (at < killedAt ? ", finished before the kill" : ", after it"))
                        .isEqualTo(1);
            }
        }
        assertThat(files.get("kill.csv").getStatus().getAttempts()).isEqualTo(2);
    }

    /** Canceling a file its batch has not reached takes it out of the batch; the batch goes on with the rest. */
    @Test
    void cancelingAFileTheBatchHasNotReachedLeavesTheOthersToFinish() throws Exception {
        Path log = Files.createTempFile("batch-cancel-", ".log");
        var p = batchPipeline("batch-cancel", log, "sleep 2");
        List<String> names = List.of("w.csv", "x.csv", "y.csv", "z.csv");
        dropBehindTheGate(p, log, names);
        await().atMost(WAIT).until(() -> {
            Map<String, EtlFile> files = byOriginalName(p);
            return names.stream().allMatch(n -> files.containsKey(n) && phase(files.get(n)) == FilePhase.Running);
        });
        Job job = batchOf(p, names);
        String[] order = job.getMetadata().getAnnotations().get(BATCH_FILES).split(",");
        String last = order[order.length - 1];
        EtlFile lastFile = h.files(p.name()).stream().filter(f -> f.getMetadata().getName().equals(last))
                .findFirst().orElseThrow();
        h.client.resources(EtlFile.class).withName(last)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");

        h.awaitAllFinal(p.name(), 5);
        Map<String, EtlFile> files = byOriginalName(p);
        String canceledName = lastFile.getSpec().getOriginalName();
        EtlFile canceled = files.get(canceledName);
        assertThat(phase(canceled)).isEqualTo(FilePhase.Canceled);
        assertThat(h.store.exists(p.bucket(),
                p.key("05_canceled", canceled.getStatus().getFileId() + "-" + canceledName))).isTrue();
        assertThat(runsPerFile(log)).doesNotContainKey(canceledName);
        for (String name : names) {
            if (!name.equals(canceledName)) {
                EtlFile f = files.get(name);
                assertThat(phase(f)).as(name).isEqualTo(FilePhase.Succeeded);
                assertThat(f.getStatus().getJobName()).as(name + " stayed in its batch")
                        .isEqualTo(job.getMetadata().getName());
            }
        }
        assertThat(runsPerFile(log)).allSatisfy((name, runs) -> assertThat(runs).as(name).isEqualTo(1));
        h.assertEventFor(canceled.getStatus().getFileId(), "\"status\":\"canceled\"");
    }
}

package io.castiron.etl.e2e;

import static io.castiron.etl.e2e.Harness.WAIT;
import static io.castiron.etl.e2e.Harness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.testkit.KafkaTestServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Whole lifecycles, file by file, through the packaged operator and the real runner on the real control plane: the
 * Job controller runs each file's Job, the process node its pod (issue 5, scenarios 1-4, 6, 7).
 */
class EndToEndTest extends OnTheControlPlane {
    private static String csv(int i) {
        return "id,name\n" + i + ",row-" + i + "\n" + (i + 1) + ",row-" + (i + 1) + "\n";
    }

    private static String pythonPipeline(String runMethod, String extra) {
        return """
                title = "e2e"
                [castiron.etl]
                enabled = true
                handled_file_glob = ".csv|.CSV"
                inbox_dir = "01_inbox/"
                processing_dir = "02_processing"
                archive_dir = "03_archive"
                error_dir = "04_failed"
                save_error_log = true
                %s
                [castiron.etl.python]
                worker_run_method = "%s"
                supports_pizza_tracker = true
                [castiron.etl.python.static_kwargs]
                batch_size = 1
                """.formatted(extra, runMethod);
    }

    @Test
    void seedFormatTomlInTheConfigBucketProcessesTwentyFiles() {
        String bucket = h.settings.configBucket();
        var p = h.install("s1", "pipeline.toml", pythonPipeline("castiron_examples.progress.count_rows", ""));
        String name = p.name();
        String folder = p.folder();

        for (int i = 0; i < 20; i++) {
            h.drop(bucket, folder + "/01_inbox/data-" + i + ".csv", csv(i).getBytes(StandardCharsets.UTF_8));
        }
        h.awaitAllFinal(name, 20);
        List<EtlFile> files = h.files(name);
        assertThat(files).allSatisfy(f -> {
            assertThat(phase(f)).isEqualTo(FilePhase.Succeeded);
            assertThat(f.getStatus().getProgress()).isEqualTo(1.0);
            String archived = folder + "/03_archive/" + f.getStatus().getFileId() + "-" + f.getSpec().getOriginalName();
            assertThat(f.getStatus().getCurrentKey()).isEqualTo(archived);
            assertThat(h.store.exists(bucket, archived)).isTrue();
            var row = h.rows.findById(UUID.fromString(f.getStatus().getFileId())).orElseThrow();
            assertThat(row.status()).isEqualTo(FileStatus.COMPLETE);
            assertThat(row.fileName()).isEqualTo(archived);
        });
        assertThat(h.store.list(bucket, folder + "/01_inbox/")).extracting(o -> o.key())
                .containsExactly(folder + "/01_inbox/.keep");
        for (EtlFile f : files) {
            String id = f.getStatus().getFileId();
            await().atMost(WAIT).untilAsserted(() -> assertThat(h.eventsFor(id)).satisfies(mine -> {
                assertThat(mine.get(0)).contains("\"type\":\"job_created\"");
                assertThat(mine.get(mine.size() - 1)).contains("\"status\":\"success\"");
            }));
        }
    }

    @Test
    void aFailingProcessorLeavesTheFileInErrorWithItsLog() {
        String bucket = h.settings.configBucket();
        var p = h.install("s2", "failing.toml", pythonPipeline("castiron_examples.failing.reject", "").replace(
                "batch_size = 1", "reason = \"no thanks\""));
        String name = p.name();
        String folder = p.folder();
        h.drop(bucket, folder + "/01_inbox/bad.csv", csv(1).getBytes(StandardCharsets.UTF_8));
        h.awaitAllFinal(name, 1);
        EtlFile f = h.files(name).get(0);
        String id = f.getStatus().getFileId();
        assertThat(phase(f)).isEqualTo(FilePhase.Failed);
        assertThat(f.getStatus().getReason()).isEqualTo("ProcessorFailed");
        assertThat(h.store.exists(bucket, folder + "/04_failed/" + id + "-bad.csv")).isTrue();
        String log = h.store.readText(bucket, folder + "/04_failed/" + id + "-bad_csv_error_log_.txt");
        assertThat(log).contains("no thanks");
        var row = h.rows.findById(UUID.fromString(id)).orElseThrow();
        assertThat(row.status()).isEqualTo(FileStatus.FAILED);
        h.assertEventFor(id, "\"status\":\"failure\"");
    }

    @Test
    void cancellingALongRunningFileWaitsUntilItsPodIsGoneThenMovesItToCanceled() throws Exception {
        String bucket = h.settings.configBucket();
        // On SIGTERM the processor takes 2 s more (less than the 3 s the runner gives it), ignoring further
        // signals: the pod outlives the Job's deletion by that long, and meanwhile the file must stay in processing.
        var p = h.install("s3", "sleepy.toml", Harness.shellPipeline(".csv", "trap 'trap \\\"\\\" TERM; sleep 2;"
                + " echo processor stopped after SIGTERM; exit 143' TERM; echo processor started; sleep 120 & wait",
                ""));
        String name = p.name();
        String folder = p.folder();
        h.drop(bucket, folder + "/01_inbox/long.csv", csv(1).getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> h.files(name).stream().anyMatch(f -> phase(f) == FilePhase.Running));
        EtlFile f = h.files(name).get(0);
        String job = f.getStatus().getJobName();
        await().atMost(WAIT).until(() -> podsOf(job).size() == 1);
        Path log = h.kube.node.logFile(h.namespace, podsOf(job).get(0).getMetadata().getName());
        await().atMost(WAIT).until(() -> Files.exists(log) && Files.readString(log).contains("processor started"));

        // The Job's pods as the API server lists them the moment the file turns Canceled.
        List<Integer> podsWhenCanceled = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        var handler = new ResourceEventHandler<EtlFile>() {
            @Override
            public void onAdd(EtlFile file) {
            }

            @Override
            public void onUpdate(EtlFile before, EtlFile after) {
                if (phase(after) == FilePhase.Canceled && phase(before) != FilePhase.Canceled) {
                    podsWhenCanceled.add(podsOf(job).size());
                }
            }

            @Override
            public void onDelete(EtlFile file, boolean unknown) {
            }
        };
        try (var informer = h.client.resources(EtlFile.class).withName(f.getMetadata().getName()).inform(handler)) {
            // As `kubectl patch --type merge` does it: no resourceVersion, so the operator's status writes cannot
            // conflict.
            h.client.resources(EtlFile.class).withName(f.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");
            await().atMost(WAIT).until(() -> !podsWhenCanceled.isEmpty());
        }
        assertThat(podsWhenCanceled).as("the Job's pods when the file was moved to canceled").containsExactly(0);
        assertThat(Files.readString(log)).as("the processor's stop took its 2 s")
                .contains("processor stopped after SIGTERM");
        String id = f.getStatus().getFileId();
        assertThat(h.store.exists(bucket, folder + "/05_canceled/" + id + "-long.csv")).isTrue();
        assertThat(h.store.exists(bucket, f.getStatus().getCurrentKey())).isFalse();
        assertThat(h.rows.findById(UUID.fromString(id)).orElseThrow().status()).isEqualTo(FileStatus.CANCELED);
        h.assertEventFor(id, "\"status\":\"canceled\"");
    }

    private static List<Pod> podsOf(String job) {
        return h.client.pods().withLabel("batch.kubernetes.io/job-name", job).list().getItems();
    }

    @Test
    void aHundredFilesWithFourSlotsNeverRunMoreThanFourAtOnceAndLaunchInQueueOrder() {
        String bucket = h.settings.configBucket();
        var p = h.install("s4", "capped.toml", Harness.shellPipeline(".csv",
                "test -s \\\"$ETL_FILENAME\\\"", "max_concurrent_jobs = 4"));
        String name = p.name();
        String folder = p.folder();
        // The order the operator launches Jobs in: a watch delivers creations in the API server's order. (Pods
        // start in their own order: the Job controller syncs several Jobs at once.)
        List<String> launched = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Set<String> waited;
        try (var jobs = h.client.batch().v1().jobs().inform(new ResourceEventHandler<Job>() {
            @Override
            public void onAdd(Job job) {
                launched.add(job.getMetadata().getName());
            }

            @Override
            public void onUpdate(Job before, Job after) {
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
            }
        })) {
            for (int i = 0; i < 100; i++) {
                h.drop(bucket, String.format("%s/01_inbox/f%03d.csv", folder, i),
                        csv(i).getBytes(StandardCharsets.UTF_8));
            }
            // a runner pod per file, four at a time: a few minutes on two shared cores
            waited = h.awaitAllFinal(name, 100, java.time.Duration.ofMinutes(6));
        }
        assertThat(h.kube.node.maxRunning(h.namespace)).as("runner containers at once").isLessThanOrEqualTo(4);
        assertThat(h.files(name)).allSatisfy(f -> assertThat(phase(f)).isEqualTo(FilePhase.Succeeded));
        Map<String, Instant> queuedTimes = h.files(name).stream().collect(Collectors.toMap(
                f -> f.getMetadata().getName(), f -> Instant.parse(f.getStatus().getQueuedTime())));
        List<String> started = List.copyOf(launched).stream().filter(queuedTimes::containsKey).toList();
        assertThat(started).hasSize(100);
        assertThat(waited).as("files that waited for a slot").hasSizeGreaterThan(50);
        // First in, first out: a file that waited in the queue starts before every file queued after it, whether
        // that one waited too or got its Job at once (it may only do so while nobody waits). Files that got their
        // Jobs at once, never queued, keep no order among themselves.
        for (int i = 0; i < started.size(); i++) {
            for (int j = i + 1; j < started.size(); j++) {
                String earlier = started.get(i);
                String later = started.get(j);
                if (waited.contains(later)) {
                    assertThat(queuedTimes.get(earlier)).as("%s launched before %s, which waited", earlier, later)
                            .isBeforeOrEqualTo(queuedTimes.get(later));
                }
            }
        }
    }

    @Test
    void processingGoesOnWhileKafkaIsDown() {
        String bucket = h.settings.configBucket();
        var p = h.install("s6", "nokafka.toml", Harness.shellPipeline(".csv",
                "cat \\\"$ETL_FILENAME\\\" > /dev/null", ""));
        String name = p.name();
        String folder = p.folder();
        var kafka = KafkaTestServer.shared();
        kafka.stop();
        try {
            for (int i = 0; i < 5; i++) {
                h.drop(bucket, folder + "/01_inbox/k" + i + ".csv", csv(i).getBytes(StandardCharsets.UTF_8));
            }
            h.awaitAllFinal(name, 5);
            assertThat(h.files(name)).allSatisfy(f -> {
                assertThat(phase(f)).isEqualTo(FilePhase.Succeeded);
                assertThat(h.store.exists(bucket, f.getStatus().getCurrentKey())).isTrue();
                assertThat(f.getStatus().getCurrentKey()).contains("/03_archive/");
            });
        } finally {
            kafka.start();
        }
        // what the operator and the runners wrote meanwhile arrives once the broker is back, each file's in order
        for (EtlFile f : h.files(name)) {
            String id = f.getStatus().getFileId();
            await().atMost(WAIT).untilAsserted(() -> assertThat(h.eventsFor(id)).containsExactly(
                    "{\"type\":\"job_created\",\"job_id\":\"" + id + "\",\"filename\":\"" + id + "-"
                            + f.getSpec().getOriginalName()
                            + "\",\"handler\":\"nokafka.toml\",\"uploader\":\"castiron\"}",
                    "{\"type\":\"job_update\",\"job_id\":\"" + id + "\",\"status\":\"success\"}"));
        }
    }

    @Test
    void badInputEndsWhereTheDesignSaysWithAClearMessage() {
        String bucket = h.settings.configBucket();
        // A malformed TOML: a Warning Event naming the key and the line; no pipeline.
        String badKey = "s7-" + UUID.randomUUID().toString().substring(0, 6) + "/broken.toml";
        h.putConfig(badKey, "[castiron.etl]\nhandled_file_glob = \".csv\"\ninbox_dir = 7\n");
        await().atMost(WAIT).untilAsserted(() -> assertThat(h.client.v1().events().inNamespace(h.namespace)
                .list().getItems()).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("InvalidConfig");
                    assertThat(e.getMessage()).contains(badKey).contains("line 3").contains("inbox_dir");
                }));

        // An unknown Python function: the file goes to error and the log names the function.
        var p = h.install("s7", "unknown.toml", pythonPipeline("castiron_examples.no_such_module.run", ""));
        String unknown = p.name();
        String folder = p.folder();
        h.drop(bucket, folder + "/01_inbox/x.csv", csv(1).getBytes(StandardCharsets.UTF_8));
        h.awaitAllFinal(unknown, 1);
        EtlFile failed = h.files(unknown).get(0);
        assertThat(phase(failed)).isEqualTo(FilePhase.Failed);
        assertThat(h.store.readText(bucket, folder + "/04_failed/" + failed.getStatus().getFileId()
                + "-x_csv_error_log_.txt")).contains("no_such_module");

        // Zero bytes, 50 MB, spaces and unicode: all processed and archived.
        var p2 = h.install("s7", "sizes.toml", Harness.shellPipeline(".csv|.bin",
                "wc -c < \\\"$ETL_FILENAME\\\"", ""));
        String sizes = p2.name();
        String folder2 = p2.folder();
        h.drop(bucket, folder2 + "/01_inbox/empty.csv", new byte[0]);
        h.drop(bucket, folder2 + "/01_inbox/big.bin", new byte[50 * 1024 * 1024]);
        h.drop(bucket, folder2 + "/01_inbox/with spaces ünïcødé 数据.csv", csv(3).getBytes(StandardCharsets.UTF_8));
        h.awaitAllFinal(sizes, 3);
        assertThat(h.files(sizes)).allSatisfy(f -> {
            assertThat(phase(f)).as(f.getSpec().getOriginalName()).isEqualTo(FilePhase.Succeeded);
            assertThat(h.store.exists(bucket, f.getStatus().getCurrentKey())).isTrue();
        });
        assertThat(h.files(sizes)).extracting(f -> f.getSpec().getOriginalName())
                .containsExactlyInAnyOrder("empty.csv", "big.bin", "with spaces ünïcødé 数据.csv");
    }
}

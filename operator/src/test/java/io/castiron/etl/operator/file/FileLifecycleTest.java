package io.castiron.etl.operator.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.operator.OperatorTestSupport;
import io.castiron.etl.operator.TestServersResource;
import io.castiron.etl.operator.Topic;
import io.castiron.etl.operator.pipeline.InboxScanner;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.testkit.ChildServers;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class FileLifecycleTest extends OperatorTestSupport {
    @Inject
    Stager stager;

    @Inject
    InboxScanner scanner;

    @AfterEach
    void noHook() {
        stager.setAfterMoveHook(() -> {
        });
        stager.setAfterLaunchHook(file -> {
        });
    }

    @Test
    void claimsEachFileOnceAcrossRepeatedScansAndTwoPipelines() {
        // Two pipelines on one inbox, never created in the API: the operator waits for a missing pipeline before it
        // stages a file, so the files stay in the inbox and every scan lists all of them again.
        String bucket = newBucket();
        store.ensureBucket(bucket);
        EtlPipeline later = pipelineSpec("twin-b", bucket, "*.csv", 4);
        EtlPipeline earlier = pipelineSpec("twin-a", bucket, ".csv", 4);
        List<EtlPipeline> both = List.of(later, earlier);
        both.forEach(p -> p.getSpec().setPollInterval("0ms"));
        StageLayout layout = StageLayout.of(earlier.getSpec());
        for (int i = 0; i < 5; i++) {
            drop(bucket, "tests/01_inbox/f" + i + ".csv", "x" + i);
        }
        List<Integer> claimedByLater = new ArrayList<>();
        List<Integer> claimedByEarlier = new ArrayList<>();
        for (int scan = 0; scan < 3; scan++) {
            claimedByLater.add(scanned(scanner.scanIfDue(later, layout, both)));
            claimedByEarlier.add(scanned(scanner.scanIfDue(earlier, layout, both)));
        }
        // The first pipeline by name owns the files, though the other one scanned first; no scan claims one twice.
        assertThat(claimedByEarlier).containsExactly(5, 0, 0);
        assertThat(claimedByLater).containsExactly(0, 0, 0);
        assertThat(filesOf("twin-a")).hasSize(5)
                .allSatisfy(f -> assertThat(store.exists(bucket, f.getSpec().getInboxKey())).isTrue());
        assertThat(filesOf("twin-b")).isEmpty();
    }

    private static int scanned(InboxScanner.ScanResult scan) {
        assertThat(scan.scanned()).as("a scan was due").isTrue();
        return scan.claimed();
    }

    @Test
    void atMostMaxConcurrentJobsRunAndQueuedFilesStartFirstInFirstOut() {
        String bucket = newBucket();
        int files = 50;
        int cap = 5;
        createPipeline("capped", bucket, ".csv", cap);
        for (int i = 0; i < files; i++) {
            drop(bucket, String.format("tests/01_inbox/n%02d.csv", i), "row " + i);
        }
        // Settled: every file claimed, and the cap's worth of them Running (admission may launch them over
        // several reconciles, and each file turns Running on its own reconcile after its Job appears).
        await().atMost(WAIT).until(() -> {
            var all = filesOf("capped");
            return all.size() == files
                    && all.stream().filter(f -> phase(f) == FilePhase.Running).count() == cap
                    && all.stream().filter(f -> phase(f) == FilePhase.Queued).count() == files - cap;
        });
        List<String> queue = filesOf("capped").stream()
                .filter(f -> phase(f) == FilePhase.Queued)
                .sorted(Comparator.comparing((EtlFile f) -> Instant.parse(f.getStatus().getQueuedTime()))
                        .thenComparing(f -> f.getMetadata().getName()))
                .map(f -> f.getMetadata().getName())
                .toList();
        assertThat(queue).hasSize(files - cap);

        Set<String> finished = new HashSet<>();
        List<String> launchedAfterSnapshot = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        jobsOf("capped").forEach(j -> seen.add(j.getMetadata().getName()));
        while (finished.size() < files) {
            List<Job> active = jobsOf("capped").stream().filter(Jobs::isActive).toList();
            assertThat(active.size()).as("active Jobs").isLessThanOrEqualTo(cap);
            for (Job j : active) {
                processSuccessfully(file(j.getMetadata().getName()));
                finished.add(j.getMetadata().getName());
            }
            int expected = Math.min(files, finished.size() + cap);
            await().atMost(WAIT).until(() -> jobsOf("capped").size() >= expected);
            jobsOf("capped").stream()
                    .sorted(Comparator.comparing(j -> j.getMetadata().getName()))
                    .forEach(j -> {
                        if (seen.add(j.getMetadata().getName())) {
                            launchedAfterSnapshot.add(j.getMetadata().getName());
                        }
                    });
            assertThat(jobsOf("capped").stream().filter(Jobs::isActive).count()).isLessThanOrEqualTo(cap);
            // FIFO: whatever was launched so far after the snapshot is exactly the head of the queue.
            assertThat(new HashSet<>(launchedAfterSnapshot))
                    .isEqualTo(new HashSet<>(queue.subList(0, launchedAfterSnapshot.size())));
        }
        await().atMost(WAIT).until(() -> filesOf("capped").stream().allMatch(f -> phase(f) == FilePhase.Succeeded));
    }

    @Test
    void cancelDeletesTheJobAndMovesTheFileToCanceled() {
        String bucket = newBucket();
        createPipeline("cancel", bucket, ".csv", 2);
        drop(bucket, "tests/01_inbox/slow.csv", "1");
        EtlFile f = awaitOnlyFile("cancel", FilePhase.Running);
        String id = f.getStatus().getFileId();
        client.resources(EtlFile.class).inNamespace(client.getNamespace()).withName(f.getMetadata().getName())
                .edit(e -> {
                    e.getMetadata().getAnnotations().put(EtlFile.CANCEL_ANNOTATION, "true");
                    return e;
                });
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase(file(f.getMetadata().getName())))
                .isEqualTo(FilePhase.Canceled));
        assertThat(job(f.getMetadata().getName())).isEmpty();
        String canceledKey = "tests/05_canceled/" + id + "-slow.csv";
        assertThat(store.exists(bucket, canceledKey)).isTrue();
        assertThat(store.exists(bucket, f.getStatus().getCurrentKey())).isFalse();
        var row = statusStore.findById(UUID.fromString(id)).orElseThrow();
        assertThat(row.status()).isEqualTo(FileStatus.CANCELED);
        assertThat(row.fileName()).isEqualTo(canceledKey);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Topic.messagesFor(settings, id))
                .anySatisfy(m -> assertThat(m).contains("\"status\":\"canceled\"")));
    }

    @Test
    void theOperatorsMessagesWrittenWhileKafkaIsDownArriveInOrderOnceItIsBack() {
        String bucket = newBucket();
        createPipeline("kafka-down", bucket, ".csv", 2);
        EtlFile failing;
        EtlFile canceled;
        ChildServers.control("kafka stop");
        try {
            drop(bucket, "tests/01_inbox/failing.csv", "1");
            drop(bucket, "tests/01_inbox/canceled.csv", "2");
            await().atMost(WAIT).until(() -> filesOf("kafka-down").stream()
                    .filter(f -> phase(f) == FilePhase.Running).count() == 2);
            failing = named("kafka-down", "failing.csv");
            canceled = named("kafka-down", "canceled.csv");
            finishJob(failing.getMetadata().getName(), false, "BackoffLimitExceeded");
            client.resources(EtlFile.class).inNamespace(client.getNamespace())
                    .withName(canceled.getMetadata().getName()).edit(e -> {
                        e.getSpec().setCancel(true);
                        return e;
                    });
            // the broker's absence holds up no reconcile
            await().atMost(WAIT).until(() -> phase(file(failing.getMetadata().getName())) == FilePhase.Failed
                    && phase(file(canceled.getMetadata().getName())) == FilePhase.Canceled);
        } finally {
            ChildServers.control("kafka start");
        }
        String failed = failing.getStatus().getFileId();
        String cancel = canceled.getStatus().getFileId();
        await().atMost(WAIT).untilAsserted(() -> assertThat(Topic.messagesFor(settings, failed)).containsExactly(
                "{\"type\":\"job_created\",\"job_id\":\"" + failed + "\",\"filename\":\"" + failed
                        + "-failing.csv\",\"handler\":\"kafka-down\",\"uploader\":\"castiron\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + failed + "\",\"status\":\"failure\"}"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(Topic.messagesFor(settings, cancel)).containsExactly(
                "{\"type\":\"job_created\",\"job_id\":\"" + cancel + "\",\"filename\":\"" + cancel
                        + "-canceled.csv\",\"handler\":\"kafka-down\",\"uploader\":\"castiron\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + cancel + "\",\"status\":\"canceled\"}"));
    }

    private EtlFile named(String pipeline, String originalName) {
        return filesOf(pipeline).stream().filter(f -> f.getSpec().getOriginalName().equals(originalName)).findFirst()
                .orElseThrow();
    }

    @Test
    void cancelOfAQueuedFileNeedsNoJob() {
        String bucket = newBucket();
        createPipeline("cancel-queued", bucket, ".csv", 1);
        drop(bucket, "tests/01_inbox/first.csv", "1");
        awaitOnlyFile("cancel-queued", FilePhase.Running);
        drop(bucket, "tests/01_inbox/second.csv", "2");
        await().atMost(WAIT).until(() -> filesOf("cancel-queued").stream().anyMatch(f -> phase(f) == FilePhase.Queued));
        EtlFile queued = filesOf("cancel-queued").stream().filter(f -> phase(f) == FilePhase.Queued).findFirst()
                .orElseThrow();
        client.resources(EtlFile.class).inNamespace(client.getNamespace()).withName(queued.getMetadata().getName())
                .edit(e -> {
                    e.getSpec().setCancel(true);
                    return e;
                });
        await().atMost(WAIT).until(() -> phase(file(queued.getMetadata().getName())) == FilePhase.Canceled);
        assertThat(store.exists(bucket, "tests/05_canceled/" + queued.getStatus().getFileId() + "-second.csv")).isTrue();
        assertThat(job(queued.getMetadata().getName())).isEmpty();
    }

    @Test
    void finishedFilesAreDeletedAfterRetentionWhilePostgresKeepsTheRow() {
        String bucket = newBucket();
        EtlPipeline p = pipelineSpec("retain", bucket, ".csv", 2);
        p.getSpec().setRetention("1s");
        client.resource(p).create();
        awaitStages(bucket);
        drop(bucket, "tests/01_inbox/short-lived.csv", "1");
        EtlFile f = awaitOnlyFile("retain", FilePhase.Running);
        processSuccessfully(f);
        await().atMost(WAIT).until(() -> file(f.getMetadata().getName()) == null);
        assertThat(statusStore.findById(UUID.fromString(f.getStatus().getFileId()))).isPresent();
    }

    @Test
    void aCrashBetweenMoveAndRowInsertResumes() {
        String bucket = newBucket();
        var crashed = new AtomicBoolean();
        stager.setAfterMoveHook(() -> {
            if (crashed.compareAndSet(false, true)) {
                throw new IllegalStateException("simulated crash between move and row insert");
            }
        });
        createPipeline("crash", bucket, ".csv", 2);
        drop(bucket, "tests/01_inbox/resumed.csv", "1");
        EtlFile f = awaitOnlyFile("crash", FilePhase.Running);
        assertThat(crashed).isTrue();
        String id = f.getStatus().getFileId();
        assertThat(statusStore.findById(UUID.fromString(id)).orElseThrow().status()).isEqualTo(FileStatus.QUEUED);
        assertThat(store.exists(bucket, "tests/02_processing/" + id + "-resumed.csv")).isTrue();
    }

    @Test
    void aCrashAfterTheJobIsCreatedAtStagingFollowsTheJobInsteadOfStagingAgain() {
        String bucket = newBucket();
        var crashed = new AtomicBoolean();
        stager.setAfterLaunchHook(file -> {
            if (crashed.compareAndSet(false, true)) {
                // Before the operator comes back, the Job runs: the file goes to the archive and the Job completes.
                String id = file.getMetadata().getUid();
                store.move(bucket, "tests/02_processing/" + id + "-quick.csv", "tests/03_archive/" + id + "-quick.csv",
                        null);
                finishJob(file.getMetadata().getName(), true, "Completed");
                throw new IllegalStateException("simulated crash between the Job's creation and its status write");
            }
        });
        createPipeline("relaunch", bucket, ".csv", 2);
        drop(bucket, "tests/01_inbox/quick.csv", "1");
        EtlFile f = awaitOnlyFile("relaunch", FilePhase.Succeeded);
        assertThat(crashed).isTrue();
        assertThat(f.getStatus().getCurrentKey())
                .isEqualTo("tests/03_archive/" + f.getStatus().getFileId() + "-quick.csv");
        assertThat(f.getStatus().getJobName()).isEqualTo(f.getMetadata().getName());
        assertThat(jobsOf("relaunch")).hasSize(1);
    }

    /**
     * Only provably own orphans go back: pipelines sharing a folder prefix share the processing folder, and putting
     * back a neighbour's running file would process it twice (before, every unowned file went back).
     */
    @Test
    void aFileInProcessingWithoutEtlFileGoesBackToTheInboxAndIsProcessedAgain() {
        String bucket = newBucket();
        store.ensureBucket(bucket);
        String ns = client.getNamespace();
        String orphanId = UUID.randomUUID().toString();
        store.upload(bucket, "tests/02_processing/" + orphanId + "-left-over.csv", "1".getBytes(), "text/csv",
                ObjectMetadata.withPipeline(ObjectMetadata.of(orphanId, "left-over.csv", FileStatus.PROCESSING), ns,
                        "orphans"));
        // staged before objects named their pipeline: its row says whose it is
        String legacyId = UUID.randomUUID().toString();
        String legacyKey = "tests/02_processing/" + legacyId + "-legacy.csv";
        store.upload(bucket, legacyKey, "2".getBytes(), "text/csv",
                ObjectMetadata.of(legacyId, "legacy.csv", FileStatus.PROCESSING));
        statusStore.insert(FileStatusRecord.builder(UUID.fromString(legacyId), bucket, legacyKey, "legacy.csv")
                .status(FileStatus.PROCESSING).pipeline(ns, "orphans").build());
        // staged by a neighbour sharing the folder, and one whose owner nothing proves: not this pipeline's
        String neighbourId = UUID.randomUUID().toString();
        String neighbourKey = "tests/02_processing/" + neighbourId + "-neighbours.csv";
        store.upload(bucket, neighbourKey, "3".getBytes(), "text/csv", ObjectMetadata.withPipeline(
                ObjectMetadata.of(neighbourId, "neighbours.csv", FileStatus.PROCESSING), ns, "neighbour"));
        String unknownId = UUID.randomUUID().toString();
        String unknownKey = "tests/02_processing/" + unknownId + "-unknown.csv";
        store.upload(bucket, unknownKey, "4".getBytes(), "text/csv",
                ObjectMetadata.of(unknownId, "unknown.csv", FileStatus.PROCESSING));

        createPipeline("orphans", bucket, ".csv", 4);
        await().atMost(WAIT).until(() -> filesOf("orphans").stream().filter(f -> phase(f) == FilePhase.Running)
                .count() == 2);
        assertThat(filesOf("orphans")).extracting(f -> f.getSpec().getOriginalName())
                .containsExactlyInAnyOrder("left-over.csv", "legacy.csv");
        assertThat(filesOf("orphans")).noneMatch(f -> f.getStatus().getFileId().equals(orphanId));
        assertThat(store.exists(bucket, "tests/02_processing/" + orphanId + "-left-over.csv")).isFalse();
        assertThat(store.exists(bucket, neighbourKey)).isTrue();
        assertThat(store.exists(bucket, unknownKey)).isTrue();
        assertThat(statusStore.findById(UUID.fromString(neighbourId))).isEmpty();
    }

    @Test
    void oddFileNamesAreClaimedAndStagedSafely() {
        String bucket = newBucket();
        createPipeline("odd", bucket, "*.csv", 10);
        List<String> names = List.of("a b;rm -rf x.csv", "--leading.csv", "ünïcødé 数据.csv", "100%+.csv",
                "..csv", "UPPER Case.csv");
        for (String name : names) {
            drop(bucket, "tests/01_inbox/" + name, name);
        }
        await().atMost(WAIT).until(() -> filesOf("odd").size() == names.size()
                && filesOf("odd").stream().allMatch(f -> phase(f) == FilePhase.Running));
        for (EtlFile f : filesOf("odd")) {
            String key = f.getStatus().getCurrentKey();
            assertThat(key).startsWith("tests/02_processing/" + f.getStatus().getFileId() + "-");
            var object = store.stat(bucket, key).orElseThrow();
            assertThat(object.metadata(ObjectMetadata.ORIGINAL_FILENAME)).contains(f.getSpec().getOriginalName());
            assertThat(store.readText(bucket, key)).isEqualTo(f.getSpec().getOriginalName());
        }
        assertThat(filesOf("odd")).extracting(f -> f.getSpec().getOriginalName())
                .containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void aDisabledPipelineClaimsNothing() {
        String bucket = newBucket();
        store.ensureBucket(bucket);
        // In the inbox before the pipeline exists: an enabled pipeline claims it in its first reconcile, before
        // that reconcile writes the pipeline's status.
        drop(bucket, "tests/01_inbox/ignored.csv", "1");
        EtlPipeline p = pipelineSpec("off", bucket, ".csv", 2);
        p.getSpec().setEnabled(false);
        long generation = client.resource(p).create().getMetadata().getGeneration();
        await().atMost(WAIT).untilAsserted(() -> {
            var got = client.resources(EtlPipeline.class).inNamespace(client.getNamespace()).withName("off").get();
            assertThat(got.getStatus()).isNotNull();
            assertThat(got.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getReason()).isEqualTo("Disabled");
                assertThat(c.getObservedGeneration()).isEqualTo(generation);
            });
        });
        assertThat(filesOf("off")).isEmpty();
        assertThat(store.exists(bucket, "tests/01_inbox/ignored.csv")).isTrue();
    }
}

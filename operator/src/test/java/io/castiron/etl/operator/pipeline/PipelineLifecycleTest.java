package io.castiron.etl.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.operator.TestServersResource;
import io.castiron.etl.operator.Topic;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class PipelineLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    @Inject
    Settings settings;

    private EtlPipeline pipeline(String name, String bucket, String glob, int maxJobs) {
        var p = new EtlPipeline();
        p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(client.getNamespace()).build());
        p.getSpec().setBucket(bucket);
        p.getSpec().setPrefix("tests");
        p.getSpec().setHandledFileGlob(glob);
        p.getSpec().setStages(new Stages("01_inbox/", "02_processing", "03_archive", "04_failed", null));
        p.getSpec().setSaveErrorLog(true);
        p.getSpec().setProcessor(Processor.shell("cat \"$ETL_FILENAME\""));
        p.getSpec().setMaxConcurrentJobs(maxJobs);
        p.getSpec().setPollInterval("200ms");
        return client.resource(p).create();
    }

    private static String bucket() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    private void drop(String bucket, String key, String content) {
        store.upload(bucket, key, content.getBytes(StandardCharsets.UTF_8), "text/csv", Map.of());
    }

    private List<EtlFile> filesOf(String pipeline) {
        return client.resources(EtlFile.class).inNamespace(client.getNamespace())
                .withLabel(Labels.PIPELINE, pipeline).list().getItems();
    }

    private EtlFile file(String name) {
        return client.resources(EtlFile.class).inNamespace(client.getNamespace()).withName(name).get();
    }

    private void finishJob(String name, boolean succeeded, String reason) {
        var jobs = client.batch().v1().jobs().inNamespace(client.getNamespace()).withName(name);
        Job job = jobs.get();
        job.setStatus(new JobStatusBuilder()
                .withStartTime("2026-01-01T00:00:00Z")
                .withSucceeded(succeeded ? 1 : 0)
                .withFailed(succeeded ? 0 : 1)
                .withConditions(new JobConditionBuilder()
                        .withType(succeeded ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(reason)
                        .withMessage(succeeded ? "done" : "Job has reached the specified backoff limit")
                        .build())
                .build());
        jobs.updateStatus(job);
    }

    @Test
    void pipelineCreatesItsStageFoldersAndBecomesReady() {
        String bucket = bucket();
        pipeline("stages", bucket, ".csv", 2);
        await().atMost(WAIT).untilAsserted(() -> {
            var p = client.resources(EtlPipeline.class).inNamespace(client.getNamespace()).withName("stages").get();
            assertThat(p.getStatus()).isNotNull();
            assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
            });
        });
        for (String dir : List.of("01_inbox", "02_processing", "03_archive", "04_failed", "05_canceled")) {
            assertThat(store.exists(bucket, "tests/" + dir + "/.keep")).as(dir).isTrue();
        }
    }

    @Test
    void invalidPipelineSaysWhatIsWrong() {
        var p = new EtlPipeline();
        p.setMetadata(new ObjectMetaBuilder().withName("broken").withNamespace(client.getNamespace()).build());
        p.getSpec().setHandledFileGlob(".csv|[oops");
        p.getSpec().setStages(new Stages("in", "proc", null, "err", null));
        p.getSpec().setProcessor(Processor.shell("true"));
        client.resource(p).create();
        await().atMost(WAIT).untilAsserted(() -> {
            var got = client.resources(EtlPipeline.class).inNamespace(client.getNamespace()).withName("broken").get();
            assertThat(got.getStatus()).isNotNull();
            assertThat(got.getStatus().getMessage()).contains("[oops");
            assertThat(got.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("InvalidSpec");
            });
        });
    }

    @Test
    void matchingFileIsClaimedStagedRecordedAndLaunched() {
        String bucket = bucket();
        pipeline("launch", bucket, ".csv", 4);
        await().atMost(WAIT).until(() -> store.exists(bucket, "tests/01_inbox/.keep"));
        drop(bucket, "tests/01_inbox/a b.csv", "x,y\n1,2\n");
        drop(bucket, "tests/01_inbox/skip.txt", "not mine");
        drop(bucket, "tests/01_inbox/sub/deeper.csv", "not directly in the inbox");

        await().atMost(WAIT).untilAsserted(() -> {
            var files = filesOf("launch");
            assertThat(files).hasSize(1);
            assertThat(files.get(0).getStatus()).isNotNull();
            assertThat(files.get(0).getStatus().getPhase()).isEqualTo(FilePhase.Running);
        });
        EtlFile f = filesOf("launch").get(0);
        String id = f.getStatus().getFileId();
        assertThat(id).isEqualTo(f.getMetadata().getUid());
        String processingKey = "tests/02_processing/" + id + "-a b.csv";
        assertThat(f.getStatus().getCurrentKey()).isEqualTo(processingKey);
        var object = store.stat(bucket, processingKey).orElseThrow();
        assertThat(object.metadata(ObjectMetadata.ID)).contains(id);
        assertThat(object.metadata(ObjectMetadata.ORIGINAL_FILENAME)).contains("a b.csv");
        assertThat(store.exists(bucket, "tests/01_inbox/a b.csv")).isFalse();
        assertThat(store.exists(bucket, "tests/01_inbox/skip.txt")).isTrue();

        var row = statusStore.findById(UUID.fromString(id)).orElseThrow();
        assertThat(row.status()).isEqualTo(FileStatus.QUEUED);
        assertThat(row.fileName()).isEqualTo(processingKey);
        assertThat(row.originalFilename()).isEqualTo("a b.csv");
        assertThat(row.pipeline()).isEqualTo("launch");

        Job job = client.batch().v1().jobs().inNamespace(client.getNamespace()).withName(f.getMetadata().getName()).get();
        assertThat(job).isNotNull();
        assertThat(job.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(id);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(Topic.messagesFor(settings, id)).anySatisfy(m -> assertThat(m)
                        .contains("\"type\":\"job_created\"").contains("\"filename\":\"a b.csv\"")));
    }

    @Test
    void succeededJobMarksTheFileSucceeded() {
        String bucket = bucket();
        pipeline("ok", bucket, "*.csv", 4);
        await().atMost(WAIT).until(() -> store.exists(bucket, "tests/01_inbox/.keep"));
        drop(bucket, "tests/01_inbox/good.csv", "1\n");
        await().atMost(WAIT).until(() -> filesOf("ok").stream()
                .anyMatch(f -> f.getStatus() != null && f.getStatus().getPhase() == FilePhase.Running));
        EtlFile f = filesOf("ok").get(0);
        String id = f.getStatus().getFileId();
        // What the runner does before its Job completes: the file goes to archive.
        store.move(bucket, f.getStatus().getCurrentKey(), "tests/03_archive/" + id + "-good.csv", null);
        finishJob(f.getMetadata().getName(), true, "Completed");
        await().atMost(WAIT).untilAsserted(() -> {
            var now = file(f.getMetadata().getName());
            assertThat(now.getStatus().getPhase()).isEqualTo(FilePhase.Succeeded);
            assertThat(now.getStatus().getCurrentKey()).isEqualTo("tests/03_archive/" + id + "-good.csv");
            assertThat(now.getStatus().getCompletionTime()).isNotNull();
        });
    }

    @Test
    void failedJobWithTheFileStillInProcessingIsFinalizedByTheOperator() {
        String bucket = bucket();
        pipeline("oom", bucket, ".csv", 4);
        await().atMost(WAIT).until(() -> store.exists(bucket, "tests/01_inbox/.keep"));
        drop(bucket, "tests/01_inbox/big.csv", "1\n");
        await().atMost(WAIT).until(() -> filesOf("oom").stream()
                .anyMatch(f -> f.getStatus() != null && f.getStatus().getPhase() == FilePhase.Running));
        EtlFile f = filesOf("oom").get(0);
        String id = f.getStatus().getFileId();
        finishJob(f.getMetadata().getName(), false, "BackoffLimitExceeded");

        await().atMost(WAIT).untilAsserted(() -> {
            var now = file(f.getMetadata().getName());
            assertThat(now.getStatus().getPhase()).isEqualTo(FilePhase.Failed);
            assertThat(now.getStatus().getReason()).isEqualTo("BackoffLimitExceeded");
        });
        String errorKey = "tests/04_failed/" + id + "-big.csv";
        assertThat(store.exists(bucket, errorKey)).isTrue();
        assertThat(store.exists(bucket, f.getStatus().getCurrentKey())).isFalse();
        String log = store.readText(bucket, "tests/04_failed/" + id + "-big_csv_error_log_.txt");
        assertThat(log).contains("BackoffLimitExceeded").contains("backoff limit").contains("big.csv");
        var row = statusStore.findById(UUID.fromString(id)).orElseThrow();
        assertThat(row.status()).isEqualTo(FileStatus.FAILED);
        assertThat(row.fileName()).isEqualTo(errorKey);
        assertThat(row.error()).contains("BackoffLimitExceeded");
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(Topic.messagesFor(settings, id)).anySatisfy(m -> assertThat(m)
                        .contains("\"type\":\"job_update\"").contains("\"status\":\"failure\"")));
    }
}

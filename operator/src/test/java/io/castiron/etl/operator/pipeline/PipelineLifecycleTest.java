package io.castiron.etl.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.operator.OperatorTestSupport;
import io.castiron.etl.operator.TestServersResource;
import io.castiron.etl.operator.Topic;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.testkit.ChildServers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class PipelineLifecycleTest extends OperatorTestSupport {
    private EtlPipeline pipeline(String name, String bucket, String glob, int maxJobs) {
        return client.resource(pipelineSpec(name, bucket, glob, maxJobs)).create();
    }

    private static String bucket() {
        return newBucket();
    }

    @Inject
    Operator operator;

    @Test
    void aPipelineReconcilesAtMostTwicePer100Milliseconds() {
        var limiter = operator.getRegisteredController(EtlPipelineReconciler.NAME).orElseThrow().getConfiguration()
                .getRateLimiter();
        assertThat(limiter).isInstanceOfSatisfying(LinearRateLimiter.class, linear -> {
            assertThat(linear.isActivated()).isTrue();
            assertThat(linear.getLimitForPeriod()).isEqualTo(2);
            assertThat(linear.getRefreshPeriod()).isEqualTo(Duration.ofMillis(100));
        });
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
    void aPatternReadTwoWaysGetsAnEventSayingHowItIsRead() {
        String bucket = bucket();
        var p = pipeline("ambiguous", bucket, ".csv | readings_*.tsv", 2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(client.getNamespace())
                .list().getItems()).anySatisfy(e -> {
                    assertThat(e.getInvolvedObject().getUid()).isEqualTo(p.getMetadata().getUid());
                    assertThat(e.getReason()).isEqualTo("AmbiguousPattern");
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("'readings_*.tsv' is read as a glob on the whole file name");
                }));
        await().atMost(WAIT).until(() -> store.exists(bucket, "tests/01_inbox/.keep"));
        drop(bucket, "tests/01_inbox/readings_north.tsv", "t\tv\n");
        await().atMost(WAIT).untilAsserted(() -> assertThat(filesOf("ambiguous")).hasSize(1));
    }

    @Test
    void aPatternThatCanMatchNoFileNameIsRefusedNamingIt() {
        pipeline("unmatchable", bucket(), ".csv|01_inbox/.*\\.csv", 2);
        await().atMost(WAIT).untilAsserted(() -> {
            var got = client.resources(EtlPipeline.class).inNamespace(client.getNamespace()).withName("unmatchable")
                    .get();
            assertThat(got.getStatus()).isNotNull();
            assertThat(got.getStatus().getMessage()).contains("spec.handledFileGlob")
                    .contains("alternative '01_inbox/.*\\.csv' can match no file name");
        });
    }

    @Test
    void matchingFileIsClaimedStagedRecordedAndLaunched() {
        String bucket = bucket();
        pipeline("launch", bucket, ".csv", 4);
        await().atMost(WAIT).until(() -> store.exists(bucket, "tests/01_inbox/.keep"));
        store.upload(bucket, "tests/01_inbox/a b.csv", "x,y\n1,2\n".getBytes(StandardCharsets.UTF_8), "text/csv",
                Map.of("Owner_dn", "CN=Ada Lovelace,O=Example", "Project", "census"));
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
        assertThat(object.headers()).as("the uploader's metadata survives staging")
                .containsEntry("X-Amz-Meta-Owner_dn", "CN=Ada Lovelace,O=Example")
                .containsEntry("X-Amz-Meta-Project", "census")
                .containsEntry("Content-Type", "text/csv");
        assertThat(store.exists(bucket, "tests/01_inbox/a b.csv")).isFalse();
        assertThat(store.exists(bucket, "tests/01_inbox/skip.txt")).isTrue();

        var row = statusStore.findById(UUID.fromString(id)).orElseThrow();
        assertThat(row.status()).isEqualTo(FileStatus.QUEUED);
        assertThat(row.fileName()).isEqualTo(processingKey);
        assertThat(row.originalFilename()).isEqualTo("a b.csv");
        assertThat(row.pipeline()).isEqualTo("launch");
        assertThat(row.userDn()).isEqualTo("CN=Ada Lovelace,O=Example");

        Job job = client.batch().v1().jobs().inNamespace(client.getNamespace()).withName(f.getMetadata().getName()).get();
        assertThat(job).isNotNull();
        assertThat(job.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(id);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Topic.messagesFor(settings, id)).contains(
                "{\"type\":\"job_created\",\"job_id\":\"" + id + "\",\"filename\":\"" + id
                        + "-a b.csv\",\"handler\":\"launch\",\"uploader\":\"castiron\"}"));
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
        // what kubectl get etlp shows: the file counted once it finished, its slot free again
        await().atMost(WAIT).untilAsserted(() -> assertThat(pipelineStatus("ok")).satisfies(s -> {
            assertThat(s.getSucceeded()).isEqualTo(1);
            assertThat(s.getRunning()).isZero();
            assertThat(s.getQueued()).isZero();
            assertThat(s.getFailed()).isZero();
        }));
    }

    private EtlPipelineStatus pipelineStatus(String name) {
        return client.resources(EtlPipeline.class).inNamespace(client.getNamespace()).withName(name).get().getStatus();
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
        await().atMost(WAIT).untilAsserted(() -> assertThat(pipelineStatus("oom")).satisfies(s -> {
            assertThat(s.getFailed()).isEqualTo(1);
            assertThat(s.getSucceeded()).isZero();
            assertThat(s.getRunning()).isZero();
        }));
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

    @Test
    void aTomlInTheConfigBucketBecomesAPipelineAndItsDeletionDeletesIt() {
        String configBucket = settings.configBucket();
        store.ensureBucket(configBucket);
        String key = "cfg-" + UUID.randomUUID().toString().substring(0, 6) + "/seed.toml";
        String toml = """
                title = "From the bucket"
                [castiron.etl]
                enabled = true
                handled_file_glob = ".tsv"
                inbox_dir = "01_inbox/"
                processing_dir = "02_processing"
                error_dir = "04_failed"
                shell = "wc -l \\"$ETL_FILENAME\\""
                """;
        store.upload(configBucket, key, toml.getBytes(StandardCharsets.UTF_8), "application/toml", Map.of());
        String name = io.castiron.etl.api.ResourceNames.pipelineNameFor(key);
        var pipelines = client.resources(EtlPipeline.class).inNamespace(client.getNamespace());
        await().atMost(WAIT).until(() -> pipelines.withName(name).get() != null);
        EtlPipeline p = pipelines.withName(name).get();
        assertThat(p.getSpec().getBucket()).isEqualTo(configBucket);
        assertThat(p.getSpec().getPrefix()).isEqualTo(key.substring(0, key.indexOf('/')));
        assertThat(p.getSpec().getHandledFileGlob()).isEqualTo(".tsv");
        assertThat(p.getSpec().getProcessor().getShell().getScript()).contains("ETL_FILENAME");
        String prefix = key.substring(0, key.indexOf('/'));
        await().atMost(WAIT).until(() -> store.exists(configBucket, prefix + "/01_inbox/.keep"));

        // its job_created messages name the TOML file, as the original's did
        drop(configBucket, prefix + "/01_inbox/counted.tsv", "a\tb\n");
        await().atMost(WAIT).until(() -> filesOf(name).stream().anyMatch(f -> f.getStatus() != null
                && f.getStatus().getFileId() != null));
        String fileId = filesOf(name).get(0).getStatus().getFileId();
        await().atMost(WAIT).untilAsserted(() -> assertThat(Topic.messagesFor(settings, fileId)).anySatisfy(m ->
                assertThat(m).contains("\"type\":\"job_created\"").contains("\"handler\":\"seed.toml\"")));

        // A TOML inside a pipeline's stage folder is a file to process, not a configuration. A TOML uploaded after
        // it, elsewhere, shows a sync pass that listed the bucket with both in place.
        String data = prefix + "/01_inbox/data.toml";
        store.upload(configBucket, data, toml.getBytes(StandardCharsets.UTF_8), "application/toml", Map.of());
        String later = prefix + "-later/later.toml";
        store.upload(configBucket, later, toml.getBytes(StandardCharsets.UTF_8), "application/toml", Map.of());
        String laterName = io.castiron.etl.api.ResourceNames.pipelineNameFor(later);
        await().atMost(WAIT).until(() -> pipelines.withName(laterName).get() != null);
        assertThat(pipelines.withName(io.castiron.etl.api.ResourceNames.pipelineNameFor(data)).get()).isNull();
        store.delete(configBucket, data);
        store.delete(configBucket, later);
        await().atMost(WAIT).until(() -> pipelines.withName(laterName).get() == null);

        store.delete(configBucket, key);
        await().atMost(WAIT).until(() -> pipelines.withName(name).get() == null);
    }

    @Test
    void anInvalidTomlInTheConfigBucketGivesAWarningEventNamingKeyAndLine() {
        String configBucket = settings.configBucket();
        store.ensureBucket(configBucket);
        String key = "bad-" + UUID.randomUUID().toString().substring(0, 6) + "/broken.toml";
        String toml = "[castiron.etl]\nenabled = \"yes\"\nhandled_file_glob = \".csv\"\n";
        store.upload(configBucket, key, toml.getBytes(StandardCharsets.UTF_8), "application/toml", Map.of());
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(client.getNamespace())
                .list().getItems()).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("InvalidConfig");
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains(key).contains("line 2").contains("enabled");
                }));
        assertThat(client.resources(EtlPipeline.class).inNamespace(client.getNamespace())
                .withName(io.castiron.etl.api.ResourceNames.pipelineNameFor(key)).get()).isNull();
    }

    /**
     * An object store outage longer than any retry limit: retries go on, at most a second apart here (a minute in
     * production), and the pipeline claims the file dropped meanwhile once the store is back. With a limit of 10
     * retries (before), the tries stopped after about 4 s and the next scan waited for some other event.
     */
    @Test
    void aPipelineKeepsRetryingThroughAnObjectStoreOutageAndGoesOnAfterIt() {
        String bucket = bucket();
        pipeline("outage", bucket, ".csv", 2);
        awaitStages(bucket);
        await().atMost(WAIT).until(() -> isReady("outage"));
        ChildServers.control("s3 outage " + bucket);
        try {
            await().atMost(WAIT).until(() -> !isReady("outage"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Long.parseLong(ChildServers.control("s3 failed-after " + bucket)) >= 12_000);
        } finally {
            ChildServers.control("s3 restore " + bucket);
        }
        drop(bucket, "tests/01_inbox/after-outage.csv", "a,b\n");
        await().atMost(WAIT).untilAsserted(() -> assertThat(filesOf("outage"))
                .anySatisfy(f -> assertThat(f.getSpec().getOriginalName()).isEqualTo("after-outage.csv")));
        await().atMost(WAIT).until(() -> isReady("outage"));
    }

    private boolean isReady(String pipeline) {
        var p = client.resources(EtlPipeline.class).inNamespace(client.getNamespace()).withName(pipeline).get();
        return p != null && p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}

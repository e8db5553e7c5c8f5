package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileSpec;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.runner.RunnerHarness.StagedFile;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.testkit.TestServers;
import io.castiron.etl.toml.PipelineToml;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/** The runner in this JVM against real S3, PostgreSQL and Kafka servers, real python3 and sh. */
@EnableKubernetesMockClient(crud = true)
class RunnerTest extends OnTestServers {
    static KubernetesClient kubernetes;
    private static final ObjectMapper JSON = new ObjectMapper();

    private int run(StagedFile file) {
        return new Runner(harness.options(temp.resolve("work"), kubernetes)).run(file.env());
    }

    private static Processor example(String toml) throws IOException {
        Path path = RunnerHarness.EXAMPLES.resolve("csv").resolve(toml);
        return PipelineToml.decode(Files.readString(path), path.toString()).spec().getProcessor();
    }

    private static String weather() throws IOException {
        return Files.readString(RunnerHarness.EXAMPLES.resolve("csv/weather.csv"));
    }

    private static Processor python(String run, Map<String, Object> staticKwargs) {
        var python = new PythonProcessor(run);
        staticKwargs.forEach((name, value) -> python.getStaticKwargs().put(name, JSON.valueToTree(value)));
        return Processor.python(python);
    }

    /** Each job_update of the file as "field=value", in topic order. */
    private List<String> updates(StagedFile file) {
        return harness.published(file).stream()
                .map(r -> RunnerHarness.json(r.value()))
                .filter(m -> m.path("job_id").asText().equals(file.contract().fileId()))
                .map(RunnerTest::update)
                .toList();
    }

    private static String update(JsonNode message) {
        for (String field : List.of("status", "progress", "task", "committed")) {
            if (message.has(field)) {
                return field + "=" + message.get(field).asText();
            }
        }
        return message.toString();
    }

    private JsonNode recorded(Path out) throws IOException {
        return JSON.readTree(out.toFile());
    }

    @Test
    void pythonExampleMovesTheFileToArchiveWithRowCompleteAndSuccessOnTheTopic() throws IOException {
        var file = harness.stage(example("pipeline.toml"), "weather.csv", weather());

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(harness.exists(file.processingKey())).as("still in processing").isFalse();
        assertThat(harness.read(file.archiveKey())).isEqualTo(weather());
        var archived = harness.store.stat(harness.bucket, file.archiveKey()).orElseThrow();
        assertThat(archived.metadata(ObjectMetadata.STATUS)).contains("Complete");
        assertThat(archived.metadata(ObjectMetadata.ID)).contains(file.contract().fileId());
        var row = harness.row(file);
        assertThat(row.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(row.fileName()).isEqualTo(file.archiveKey());
        assertThat(row.attempts()).isEqualTo(1);
        assertThat(row.jobName()).isEqualTo(file.contract().etlFileName());
        assertThat(row.startedDt()).isNotNull();
        assertThat(row.finishedDt()).isNotNull();
        assertThat(updates(file)).containsExactly("status=success");
    }

    @Test
    void pythonFailureMovesTheFileToErrorWithTracebackInTheErrorLogAndExits3() throws IOException {
        var file = harness.stage(example("failing-pipeline.toml"), "weather.csv", weather(), true, true);

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);

        assertThat(harness.exists(file.processingKey())).isFalse();
        assertThat(harness.read(file.errorKey())).isEqualTo(weather());
        assertThat(harness.store.stat(harness.bucket, file.errorKey()).orElseThrow().metadata(ObjectMetadata.STATUS))
                .contains("Failed");
        assertThat(file.errorLogKey()).endsWith("_error_log_.txt");
        String log = harness.read(file.errorLogKey());
        assertThat(log)
                .contains("exit code: 1")
                .contains("Traceback (most recent call last)")
                .contains("ValueError: rejected")
                .contains("the example pipeline rejects every file")
                .contains("python castiron_examples.failing.reject");
        var row = harness.row(file);
        assertThat(row.status()).isEqualTo(FileStatus.FAILED);
        assertThat(row.fileName()).isEqualTo(file.errorKey());
        assertThat(row.error()).contains("exited with code 1").contains("ValueError: rejected");
        assertThat(updates(file)).containsExactly("status=failure");

        // the Job's retry finds the file in error: nothing is processed again
        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);
        assertThat(harness.row(file).attempts()).isEqualTo(1);
        assertThat(updates(file)).containsExactly("status=failure");
    }

    @Test
    void failureWithoutSaveErrorLogWritesNoErrorLog() throws IOException {
        var file = harness.stage(example("failing-pipeline.toml"), "weather.csv", weather(), true, false);

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);

        assertThat(harness.exists(file.errorKey())).isTrue();
        assertThat(harness.exists(file.errorLogKey())).isFalse();
    }

    @Test
    void progressArrivesInOrderOnTheTopicAndLandsInTheRowAndTheEtlFileStatus() throws IOException {
        var file = harness.stage(example("progress-pipeline.toml"), "weather.csv", weather());
        var etlFile = new EtlFile();
        etlFile.setMetadata(new ObjectMetaBuilder().withName(file.contract().etlFileName())
                .withNamespace(RunnerHarness.NAMESPACE).build());
        etlFile.setSpec(new EtlFileSpec());
        kubernetes.resource(etlFile).create();
        var running = kubernetes.resources(EtlFile.class).inNamespace(RunnerHarness.NAMESPACE)
                .withName(file.contract().etlFileName()).get();
        running.getStatus().setPhase(FilePhase.Running);
        running.getStatus().setJobName("job-of-" + file.contract().etlFileName());
        kubernetes.resource(running).updateStatus();

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        String id = file.contract().fileId();
        assertThat(updates(file)).containsExactly(
                "task=counting 6 rows of job " + id,
                "committed=2", "progress=" + (2.0 / 6),
                "committed=4", "progress=" + (4.0 / 6),
                "committed=6", "progress=1.0",
                "task=done",
                "status=success");
        var row = harness.row(file);
        assertThat(row.progress()).isEqualTo(1.0);
        assertThat(row.task()).isEqualTo("done");
        assertThat(row.committed()).isEqualTo(6L);
        var status = kubernetes.resources(EtlFile.class).inNamespace(RunnerHarness.NAMESPACE)
                .withName(file.contract().etlFileName()).get().getStatus();
        assertThat(status.getProgress()).isEqualTo(1.0);
        assertThat(status.getTask()).isEqualTo("done");
        assertThat(status.getCommitted()).isEqualTo(6L);
        assertThat(status.getPhase()).as("fields the operator owns are left alone").isEqualTo(FilePhase.Running);
        assertThat(status.getJobName()).isEqualTo("job-of-" + file.contract().etlFileName());
    }

    @Test
    void environmentKwargsOverrideStaticOnesAndMetadataIsPassed() throws IOException {
        Path out = temp.resolve("recorded.json");
        var processor = python("castiron_test_processors.record.record",
                Map.of("out", out.toString(), "greeting", "static hello", "kept", "static value", "limit", 3));
        processor.getPython().setEnvironmentKwargs(Map.of("greeting", "TEST_GREETING", "kept", "TEST_NOT_SET"));
        processor.getPython().setSupportsMetadata(true);
        var file = harness.stage(processor, "people.csv", "name\nada\n").with("TEST_GREETING", "hello from env");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        JsonNode call = recorded(out);
        assertThat(call.path("name").asText()).isEqualTo("people.csv");
        assertThat(call.path("content").asText()).isEqualTo("name\nada\n");
        JsonNode kwargs = call.path("kwargs");
        assertThat(kwargs.path("greeting").asText()).isEqualTo("hello from env");
        assertThat(kwargs.path("kept").asText()).isEqualTo("static value");
        assertThat(kwargs.path("limit").asInt()).isEqualTo(3);
        assertThat(kwargs.path("file_metadata").path("X-Amz-Meta-Id").asText()).isEqualTo(file.contract().fileId());
        assertThat(kwargs.path("file_metadata").path("X-Amz-Meta-Originalfilename").asText()).isEqualTo("people.csv");
        assertThat(kwargs.has("pizza_tracker")).as("pizza_tracker without supports_pizza_tracker").isFalse();
    }

    @Test
    void asyncPythonFunctionIsAwaited() throws IOException {
        Path out = temp.resolve("recorded.json");
        var file = harness.stage(python("castiron_test_processors.record.record_async", Map.of("out", out.toString())),
                "a.csv", "x\n");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(recorded(out).path("kwargs").path("awaited").asBoolean()).isTrue();
        assertThat(harness.exists(file.archiveKey())).isTrue();
    }

    @Test
    void workerClassSetupGetsTheKwargsAndRunGetsTheFileAndTracker() throws IOException {
        Path out = temp.resolve("recorded.json");
        var processor = python("run", Map.of("out", out.toString(), "mode", "strict"));
        processor.getPython().setWorkerClass("castiron_test_processors.record.Recorder");
        processor.getPython().setWorkerSetupMethod("setup");
        processor.getPython().setSupportsPizzaTracker(true);
        var file = harness.stage(processor, "b.csv", "y\n");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        JsonNode kwargs = recorded(out).path("kwargs");
        assertThat(kwargs.path("setup_kwargs").path("mode").asText()).isEqualTo("strict");
        assertThat(kwargs.path("pizza_job_id").asText()).isEqualTo(file.contract().fileId());
        assertThat(kwargs.path("pizza_tracker").asText()).endsWith("progress.pipe");
    }

    @Test
    void exitCode75LeavesTheFileInProcessingForTheNextAttempt() {
        var file = harness.stage(Processor.shell("echo 'warehouse is down' >&2; exit 75"), "c.csv", "z\n");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.RETRY_LATER);

        assertThat(harness.exists(file.processingKey())).isTrue();
        assertThat(harness.exists(file.archiveKey())).isFalse();
        assertThat(harness.exists(file.errorKey())).isFalse();
        assertThat(harness.row(file).status()).isEqualTo(FileStatus.PROCESSING);
        assertThat(updates(file)).isEmpty();
    }

    @Test
    void shellGetsAHostileFileNameThroughItsEnvironmentOnly() throws IOException {
        Path out = Files.createDirectory(temp.resolve("out"));
        Path canary = Files.writeString(out.resolve("x.csv"), "must survive");
        String name = "a b;rm -rf x.csv";
        var file = harness.stage(Processor.shell(
                "cd \"$OUT\" && cat \"$ETL_FILENAME\" > copy && basename \"$ETL_FILENAME\" > local-name"
                        + " && printf '%s' \"$ETL_ORIGINAL_NAME\" > original-name"),
                name, "id\n1\n").with("OUT", out.toString());

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(canary).exists();
        assertThat(Files.readString(out.resolve("copy"))).isEqualTo("id\n1\n");
        assertThat(Files.readString(out.resolve("local-name")).strip()).isEqualTo(name);
        assertThat(Files.readString(out.resolve("original-name"))).isEqualTo(name);
        assertThat(file.archiveKey()).endsWith(file.contract().fileId() + "-" + name);
        assertThat(harness.read(file.archiveKey())).isEqualTo("id\n1\n");
    }

    @Test
    void shellReportsProgressThroughItsPipe() throws IOException {
        var file = harness.stage(example("shell-pipeline.toml"), "weather.csv", weather());

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(updates(file)).containsExactly("task=counting rows", "committed=6",
                "progress=1.0", "status=success");
    }

    @Test
    void aKubernetesClientThatCannotBeMadeLeavesProgressOutOfTheEtlFileOnly() throws IOException {
        var file = harness.stage(example("shell-pipeline.toml"), "weather.csv", weather());
        var options = harness.options(temp.resolve("work"), null);
        var noClient = new Runner.Options(options.retry(), options.python(), options.tempRoot(),
                options.statusInterval(), () -> {
                    throw new IllegalStateException("no service account token");
                });

        assertThat(new Runner(noClient).run(file.env())).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(harness.exists(file.archiveKey())).isTrue();
        var row = harness.row(file);
        assertThat(row.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(row.progress()).isEqualTo(1.0);
        assertThat(updates(file)).contains("progress=1.0", "status=success");
    }

    @Test
    void javaExampleIsArchivedWithItsProgressRecordedAndRetryAfterSuccessDoesNothing() throws IOException {
        var file = harness.stage(example("java-pipeline.toml"), "weather.csv", weather());

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(harness.read(file.archiveKey())).isEqualTo(weather());
        var row = harness.row(file);
        assertThat(row.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(row.committed()).isEqualTo(6L);
        assertThat(row.progress()).isEqualTo(1.0);
        assertThat(updates(file)).startsWith("task=printing rows of weather.csv")
                .endsWith("committed=6", "status=success");

        // the EtlFile was never created here: a failing status patch does not fail the file (above), and a
        // retried Job finds the file archived and leaves it alone
        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);
        assertThat(harness.row(file).attempts()).isEqualTo(1);
        assertThat(updates(file).stream().filter(u -> u.startsWith("status="))).containsExactly(
                "status=success");
    }

    @Test
    void javaExceptionFailsTheFileWithItsStackTrace() {
        var processor = Processor.java(new JavaProcessor("io.castiron.examples.RejectingProcessor"));
        var file = harness.stage(processor, "d.csv", "q\n", true, true);

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);

        assertThat(harness.read(file.errorLogKey()))
                .contains("java.lang.IllegalArgumentException: rejected d.csv")
                .contains("at io.castiron.examples.RejectingProcessor.process");
        assertThat(harness.row(file).error()).contains("RejectingProcessor threw");
    }

    @Test
    void javaRetryLaterLeavesTheFileInProcessing() {
        var file = harness.stage(Processor.java(new JavaProcessor("io.castiron.examples.UnavailableServiceProcessor")),
                "e.csv", "q\n");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.RETRY_LATER);

        assertThat(harness.exists(file.processingKey())).isTrue();
    }

    @Test
    void unknownJavaClassFailsTheFileNamingTheClass() {
        var file = harness.stage(Processor.java(new JavaProcessor("com.example.Missing")), "f.csv", "q\n", true, true);

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);

        assertThat(harness.row(file).error()).isEqualTo(
                "java processor class com.example.Missing is not on the runner's classpath");
    }

    @Test
    void withoutAnArchiveFolderTheProcessedFileIsDeletedAndTheRowSaysComplete() {
        var file = harness.stage(Processor.shell("true"), "g.csv", "q\n", false, false);

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        assertThat(harness.exists(file.processingKey())).isFalse();
        assertThat(harness.store.listRecursive(harness.bucket, file.contract().prefix() + "/")).isEmpty();
        assertThat(harness.row(file).status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(updates(file)).containsExactly("status=success");
        assertThat(run(file)).as("retried Job").isEqualTo(RunnerExitCodes.PROCESSED);
        assertThat(updates(file)).containsExactly("status=success");
    }

    @Test
    void missingOrMalformedContractVariableExits2AndLeavesTheFileAlone() {
        var file = harness.stage(Processor.shell("true"), "h.csv", "q\n");

        assertThat(run(file.without(JobContract.PROCESSING_KEY))).isEqualTo(RunnerExitCodes.BAD_CONTRACT);
        assertThat(run(file.with(JobContract.PROCESSOR_JSON, "{\"python\":"))).isEqualTo(RunnerExitCodes.BAD_CONTRACT);
        assertThat(run(file.with(JobContract.FILE_ID, "not-a-uuid"))).isEqualTo(RunnerExitCodes.BAD_CONTRACT);

        assertThat(harness.exists(file.processingKey())).isTrue();
        assertThat(harness.row(file).status()).isEqualTo(FileStatus.QUEUED);
    }

    @Test
    void unreachablePostgresExits1AndLeavesTheFileInProcessing() {
        var file = harness.stage(Processor.shell("true"), "i.csv", "q\n")
                .with(Settings.POSTGRES_URL, "jdbc:postgresql://127.0.0.1:1/etl");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.INFRASTRUCTURE_FAILURE);

        assertThat(harness.exists(file.processingKey())).isTrue();
        assertThat(harness.row(file).status()).isEqualTo(FileStatus.QUEUED);
    }

    @Test
    void theLocalCopyIsRemovedAfterTheRun() throws IOException {
        var file = harness.stage(Processor.shell("test -f \"$ETL_FILENAME\""), "j.csv", "q\n");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (var left = Files.list(temp.resolve("work"))) {
                assertThat(left).isEmpty();
            }
        });
    }
}

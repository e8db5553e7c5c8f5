package io.castiron.etl.runner;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.events.EventOutbox;
import io.castiron.etl.events.OutboxRelay;
import io.castiron.etl.runner.processor.PythonSettings;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Stages files as the operator does before a Job starts (object in processing with its metadata, row Queued),
 * builds the Job's environment, and reads back what a user would see: objects, rows, topic messages. The operator's
 * relay publishes what runs write to the event outbox: one for the JVM, started with the first harness.
 */
final class RunnerHarness {
    static final String NAMESPACE = "etl-test";
    static final String PIPELINE = "csv";
    static final Path EXAMPLES = Path.of(System.getProperty("castiron.examples.dir", "../examples"));
    static final Path TEST_PYTHON = Path.of("src/test/python");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static OutboxRelay relay;

    final S3TestServer s3;
    final PostgresTestServer pg;
    final KafkaTestServer kafka;
    final String bucket;
    final ObjectStore store;
    final StatusStore rows;

    RunnerHarness(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka) {
        this.s3 = s3;
        this.pg = pg;
        this.kafka = kafka;
        this.bucket = "runner-" + UUID.randomUUID().toString().substring(0, 8);
        this.store = ObjectStore.from(Settings.from(s3.settingsEnv()));
        this.store.ensureBucket(bucket);
        this.rows = new StatusStore(pg.dataSource());
        startRelay(pg, kafka);
    }

    private static synchronized void startRelay(PostgresTestServer pg, KafkaTestServer kafka) {
        if (relay == null) {
            relay = OutboxRelay.start(pg.dataSource(), kafka.bootstrapServers());
        }
    }

    /** A file in processing and its Queued row, for a pipeline with the given processor. */
    StagedFile stage(Processor processor, String originalName, String content) {
        return stage(processor, originalName, content, true, false);
    }

    StagedFile stage(Processor processor, String originalName, String content, boolean archive,
            boolean saveErrorLog) {
        int n = COUNTER.incrementAndGet();
        String fileId = UUID.randomUUID().toString();
        var stages = new Stages("01_inbox", "02_processing", archive ? "03_archive" : null, "04_failed",
                "05_canceled");
        String prefix = "t" + n;
        var layout = new StageLayout(bucket, prefix, stages);
        String key = layout.processingKey(fileId, originalName);
        var metadata = ObjectMetadata.of(fileId, originalName, FileStatus.QUEUED);
        store.upload(bucket, key, content.getBytes(StandardCharsets.UTF_8), "text/csv", metadata);
        rows.insert(FileStatusRecord.builder(UUID.fromString(fileId), bucket, key, originalName)
                .status(FileStatus.QUEUED)
                .pipeline(NAMESPACE, PIPELINE)
                .build());
        var contract = new JobContract(fileId, "csv-" + n, NAMESPACE, PIPELINE, bucket, prefix, stages, saveErrorLog,
                processor, key, originalName, List.of());
        var env = new HashMap<String, String>(contract.toEnv());
        env.putAll(s3.settingsEnv());
        env.putAll(pg.settingsEnv());
        env.putAll(kafka.settingsEnv());
        env.put(Settings.KAFKA_TOPIC, "pizza-tracker-runner-" + n);
        return new StagedFile(contract, layout, env);
    }

    /**
     * Files of one pipeline in processing, each with its Queued row, and the environment of the one Job that takes
     * them all as a batch, in the order given.
     */
    List<StagedFile> stageBatch(Processor processor, List<String> originalNames) {
        StagedFile first = stage(processor, originalNames.get(0), "id\n1\n", true, true);
        var more = new ArrayList<JobContract.BatchFile>();
        for (String name : originalNames.subList(1, originalNames.size())) {
            String fileId = UUID.randomUUID().toString();
            String key = first.layout().processingKey(fileId, name);
            store.upload(bucket, key, "id\n1\n".getBytes(StandardCharsets.UTF_8), "text/csv",
                    ObjectMetadata.of(fileId, name, FileStatus.QUEUED));
            rows.insert(FileStatusRecord.builder(UUID.fromString(fileId), bucket, key, name)
                    .status(FileStatus.QUEUED).pipeline(NAMESPACE, PIPELINE).build());
            more.add(new JobContract.BatchFile(fileId, "csv-" + COUNTER.incrementAndGet(), key, name));
        }
        var contract = first.contract().withMoreFiles(more);
        var env = new HashMap<>(first.env());
        env.putAll(contract.toEnv());
        var staged = new ArrayList<StagedFile>();
        for (JobContract file : contract.files()) {
            staged.add(new StagedFile(file, first.layout(), env));
        }
        return staged;
    }

    Runner.Options options(Path tempRoot, KubernetesClient kubernetes) {
        return new Runner.Options(new Retry(2, Duration.ofMillis(20)),
                new PythonSettings("python3", List.of(EXAMPLES.resolve("python"), TEST_PYTHON)), tempRoot,
                Duration.ofMillis(50), kubernetes == null ? null : () -> kubernetes);
    }

    FileStatusRecord row(StagedFile file) {
        return rows.findById(file.id()).orElseThrow();
    }

    boolean exists(String key) {
        return store.exists(bucket, key);
    }

    String read(String key) {
        return store.readText(bucket, key);
    }

    /** The job_update messages of the file's topic, as JSON, waiting until there are at least {@code count}. */
    List<JsonNode> messages(StagedFile file, int count) {
        return kafka.awaitRecords(file.topic(), count, WAIT).stream()
                .map(ConsumerRecord::value)
                .map(RunnerHarness::json)
                .toList();
    }

    /** The file's topic, once the relay has published every message its runs wrote to the outbox. */
    List<ConsumerRecord<String, String>> published(StagedFile file) {
        await().atMost(WAIT).until(() -> waiting(file) == 0);
        return kafka.readAll(file.topic());
    }

    /** How many of the file's messages are still in the outbox. */
    int waiting(StagedFile file) {
        try (Connection c = pg.dataSource().getConnection();
             var ps = c.prepareStatement("SELECT count(*) FROM " + EventOutbox.TABLE + " WHERE job_id = ?")) {
            ps.setString(1, file.contract().fileId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the outbox's messages of file " + file.id(), e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    /** One staged file: its contract, stage layout and the Job's environment. */
    record StagedFile(JobContract contract, StageLayout layout, Map<String, String> env) {
        UUID id() {
            return UUID.fromString(contract.fileId());
        }

        String processingKey() {
            return contract.processingKey();
        }

        String archiveKey() {
            return layout.archiveKey(contract.fileId(), contract.originalName()).orElseThrow();
        }

        String errorKey() {
            return layout.errorKey(contract.fileId(), contract.originalName());
        }

        String errorLogKey() {
            return layout.errorLogKey(contract.fileId(), contract.originalName());
        }

        String topic() {
            return env.get(Settings.KAFKA_TOPIC);
        }

        StagedFile with(String variable, String value) {
            var copy = new HashMap<>(env);
            copy.put(variable, value);
            return new StagedFile(contract, layout, copy);
        }

        StagedFile without(String variable) {
            var copy = new HashMap<>(env);
            copy.remove(variable);
            return new StagedFile(contract, layout, copy);
        }
    }
}

package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.config.Settings;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * What every end-to-end installation offers its tests, whatever API server it runs on: the test servers' settings
 * (a fresh database each), pipelines put into the config bucket, files dropped, and waiting for their EtlFiles.
 */
abstract class Installation implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(90);
    /** The operator's label naming a file's pipeline (its Labels.PIPELINE; the operator is another process here). */
    static final String PIPELINE_LABEL = EtlPipeline.GROUP + "/pipeline";

    final Map<String, String> settingsEnv;
    final Settings settings;
    final ObjectStore store;
    final StatusStore rows;
    /** A client in the installation's namespace with a user's rights. */
    final KubernetesClient client;
    OperatorProcess operator;

    /** @param client a client for the installation's namespace */
    Installation(Map<String, String> settingsEnv, KubernetesClient client) {
        this.settingsEnv = new HashMap<>(settingsEnv);
        this.settings = Settings.from(settingsEnv);
        this.store = ObjectStore.from(settings);
        this.rows = StatusStore.from(settings);
        this.client = client;
    }

    /** The test servers' settings, with a database of its own. */
    static Map<String, String> testServersEnv() {
        var env = new HashMap<String, String>();
        var pg = PostgresTestServer.shared();
        env.putAll(S3TestServer.shared().settingsEnv());
        env.putAll(pg.settingsEnv(pg.newEmptyDatabase()));
        env.putAll(KafkaTestServer.shared().settingsEnv());
        return env;
    }

    void putConfig(String key, String toml) {
        store.ensureBucket(settings.configBucket());
        store.upload(settings.configBucket(), key, toml.getBytes(StandardCharsets.UTF_8), "application/toml",
                Map.of());
    }

    void drop(String bucket, String key, byte[] content) {
        store.upload(bucket, key, content, "text/csv", Map.of());
    }

    /**
     * A shell pipeline in the original TOML format, stage folders beside the TOML file.
     *
     * @param script a TOML basic-string body (quotes escaped as \" for TOML)
     * @param extra  more {@code [castiron.etl]} lines, or ""
     */
    static String shellPipeline(String glob, String script, String extra) {
        return pipeline(glob, extra + "\nshell = \"" + script + "\"");
    }

    /** A pipeline whose processor is a Java class on the runner's classpath, stage folders beside the TOML file. */
    static String javaPipeline(String glob, Class<?> processor, String extra) {
        return pipeline(glob, extra + "\n\n[castiron.etl.java]\nclass_name = \"" + processor.getName() + "\"");
    }

    /** A pipeline with the original's stage folders beside the TOML file; {@code rest} its processor and more. */
    static String pipeline(String glob, String rest) {
        return """
                [castiron.etl]
                handled_file_glob = "%s"
                inbox_dir = "01_inbox"
                processing_dir = "02_processing"
                archive_dir = "03_archive"
                error_dir = "04_failed"
                %s
                """.formatted(glob, rest);
    }

    /** A pipeline as users of the original tool make one: a TOML file in the config bucket. */
    record Installed(String name, String bucket, String folder) {
        String key(String stage, String fileName) {
            return folder + "/" + stage + "/" + fileName;
        }
    }

    /** Puts {@code <folder>/<fileName>} into the config bucket and waits for its pipeline and stage folders. */
    Installed install(String folderPrefix, String fileName, String toml) {
        String folder = folderPrefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        String key = folder + "/" + fileName;
        putConfig(key, toml);
        String name = io.castiron.etl.api.ResourceNames.pipelineNameFor(key);
        awaitPipeline(name);
        String bucket = settings.configBucket();
        await().atMost(WAIT).until(() -> store.exists(bucket, folder + "/04_failed/.keep")
                && store.exists(bucket, folder + "/02_processing/.keep"));
        return new Installed(name, bucket, folder);
    }

    /**
     * The events topic has, or soon has (once the operator's relay publishes it), a message for {@code jobId} that
     * contains {@code text}.
     */
    void assertEventFor(String jobId, String text) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(KafkaTestServer.shared().readAll(settings.kafkaTopic()))
                .anySatisfy(r -> {
                    assertThat(r.key()).isEqualTo(jobId);
                    assertThat(r.value()).contains(text);
                }));
    }

    /** The values of {@code jobId}'s messages on the events topic, in topic order. */
    List<String> eventsFor(String jobId) {
        return KafkaTestServer.shared().readAll(settings.kafkaTopic()).stream()
                .filter(r -> jobId.equals(r.key())).map(r -> r.value()).toList();
    }

    EtlPipeline awaitPipeline(String name) {
        var pipelines = client.resources(EtlPipeline.class);
        await().atMost(WAIT).until(() -> pipelines.withName(name).get() != null);
        return pipelines.withName(name).get();
    }

    List<EtlFile> files(String pipeline) {
        return client.resources(EtlFile.class).withLabel(PIPELINE_LABEL, pipeline).list().getItems();
    }

    static FilePhase phase(EtlFile f) {
        return f.getStatus() == null || f.getStatus().getPhase() == null ? FilePhase.Pending
                : f.getStatus().getPhase();
    }

    Set<String> awaitAllFinal(String pipeline, int count) {
        return awaitAllFinal(pipeline, count, WAIT);
    }

    /**
     * Waits until the pipeline has exactly {@code count} EtlFiles, all in a final phase, following them with a watch.
     *
     * @return the files seen in phase Queued on the way (a file staged while a slot was free never is)
     */
    Set<String> awaitAllFinal(String pipeline, int count, Duration atMost) {
        Map<String, FilePhase> phases = new ConcurrentHashMap<>();
        Set<String> queued = ConcurrentHashMap.newKeySet();
        var handler = new ResourceEventHandler<EtlFile>() {
            @Override
            public void onAdd(EtlFile file) {
                phases.put(file.getMetadata().getName(), phase(file));
                if (phase(file) == FilePhase.Queued) {
                    queued.add(file.getMetadata().getName());
                }
            }

            @Override
            public void onUpdate(EtlFile before, EtlFile after) {
                onAdd(after);
            }

            @Override
            public void onDelete(EtlFile file, boolean unknown) {
                phases.remove(file.getMetadata().getName());
            }
        };
        try (var informer = client.resources(EtlFile.class).withLabel(PIPELINE_LABEL, pipeline).inform(handler)) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> phases.size() == count && phases.values().stream().allMatch(FilePhase::isFinal));
        }
        return Set.copyOf(queued);
    }

}

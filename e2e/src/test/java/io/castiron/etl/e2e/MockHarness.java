package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.CredentialsSecret;
import io.castiron.etl.runner.processor.PythonSettings;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * One whole installation, minus the cluster: the in-process S3, PostgreSQL and Kafka servers, the mock API server,
 * the packaged operator as a process, and the Job stand-in running the real runner.
 */
final class MockHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(90);
    /** The operator's label naming a file's pipeline (its Labels.PIPELINE; the operator is another process here). */
    static final String PIPELINE_LABEL = EtlPipeline.GROUP + "/pipeline";

    final Map<String, String> settingsEnv = new HashMap<>();
    final Settings settings;
    final ObjectStore store;
    final StatusStore rows;
    final MockCluster cluster;
    final KubernetesClient client;
    final JobStandIn jobs;
    OperatorProcess operator;

    /** How Jobs run: not at all (the operator alone), the runner in this JVM, or the packaged runner as a process. */
    enum Jobs {
        NONE, IN_PROCESS, CHILD_PROCESS
    }

    MockHarness(int nodes) throws Exception {
        this(nodes, Jobs.IN_PROCESS);
    }

    MockHarness(int nodes, Jobs mode) throws Exception {
        var pg = PostgresTestServer.shared();
        settingsEnv.putAll(S3TestServer.shared().settingsEnv());
        settingsEnv.putAll(pg.settingsEnv(pg.newEmptyDatabase()));
        settingsEnv.putAll(KafkaTestServer.shared().settingsEnv());
        settings = Settings.from(settingsEnv);
        store = ObjectStore.from(settings);
        rows = StatusStore.from(settings);
        cluster = new MockCluster();
        client = cluster.client();
        client.resource(new SecretBuilder()
                .withNewMetadata().withName(CredentialsSecret.DEFAULT_NAME).withNamespace(MockCluster.NAMESPACE)
                .endMetadata()
                .withData(base64(Map.of(
                        CredentialsSecret.S3_ACCESS_KEY, settings.s3AccessKey(),
                        CredentialsSecret.S3_SECRET_KEY, settings.s3SecretKey(),
                        CredentialsSecret.POSTGRES_USER, settings.postgresUser(),
                        CredentialsSecret.POSTGRES_PASSWORD, settings.postgresPassword())))
                .build()).create();
        operator = new OperatorProcess(OperatorProcess.forMock(cluster, settingsEnv)).start();
        // What the runner image provides: the example Python processors on the module path, a temp dir.
        Path examples = Path.of(System.getProperty("castiron.examples.dir", "../examples")).toAbsolutePath();
        Path tmp = Files.createTempDirectory("castiron-e2e-pods");
        Map<String, String> image = Map.of(PythonSettings.PYTHONPATH, examples.resolve("python").toString(),
                "TMPDIR", tmp.toString());
        Supplier<Pods.Pod> containers = mode == Jobs.CHILD_PROCESS ? Pods.childProcess(image, tmp, cluster.url())
                : Pods.inProcess(image, tmp, client);
        jobs = new JobStandIn(client, containers, image, nodes);
        if (mode != Jobs.NONE) {
            jobs.start();
        }
    }

    /** The API server turns stringData into data; the mock does not, so the test writes data. */
    private static Map<String, String> base64(Map<String, String> values) {
        var encoded = new HashMap<String, String>();
        values.forEach((k, v) -> encoded.put(k, java.util.Base64.getEncoder()
                .encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return encoded;
    }

    /** Kill the operator (as kill -9 would) and start a new one. */
    void restartOperator() throws Exception {
        operator.kill();
        startOperator();
    }

    /** A new operator process, after {@code operator.kill()}. */
    void startOperator() throws Exception {
        operator = new OperatorProcess(OperatorProcess.forMock(cluster, settingsEnv)).start();
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

    private static String pipeline(String glob, String rest) {
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
        String folder = folderPrefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        String key = folder + "/" + fileName;
        putConfig(key, toml);
        String name = io.castiron.etl.api.ResourceNames.pipelineNameFor(key);
        awaitPipeline(name);
        String bucket = settings.configBucket();
        await().atMost(WAIT).until(() -> store.exists(bucket, folder + "/04_failed/.keep")
                && store.exists(bucket, folder + "/02_processing/.keep"));
        return new Installed(name, bucket, folder);
    }

    /** The events topic has a message for {@code jobId} that contains {@code text}. */
    void assertEventFor(String jobId, String text) {
        assertThat(KafkaTestServer.shared().readAll(settings.kafkaTopic()))
                .anySatisfy(r -> {
                    assertThat(r.key()).isEqualTo(jobId);
                    assertThat(r.value()).contains(text);
                });
    }

    EtlPipeline awaitPipeline(String name) {
        var pipelines = client.resources(EtlPipeline.class).inNamespace(MockCluster.NAMESPACE);
        await().atMost(WAIT).until(() -> pipelines.withName(name).get() != null);
        return pipelines.withName(name).get();
    }

    List<EtlFile> files(String pipeline) {
        return client.resources(EtlFile.class).inNamespace(MockCluster.NAMESPACE)
                .withLabel(PIPELINE_LABEL, pipeline).list().getItems();
    }

    static FilePhase phase(EtlFile f) {
        return f.getStatus() == null || f.getStatus().getPhase() == null ? FilePhase.Pending
                : f.getStatus().getPhase();
    }

    Set<String> awaitAllFinal(String pipeline, int count) {
        return awaitAllFinal(pipeline, count, WAIT);
    }

    /**
     * Waits until the pipeline has exactly {@code count} EtlFiles, all in a final phase. Follows them with a watch:
     * listing them all every half second loaded the mock API server and this JVM as much as a large run itself.
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
        try (var informer = client.resources(EtlFile.class).inNamespace(MockCluster.NAMESPACE)
                .withLabel(PIPELINE_LABEL, pipeline).inform(handler)) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> phases.size() == count && phases.values().stream().allMatch(FilePhase::isFinal));
        }
        return Set.copyOf(queued);
    }

    @Override
    public void close() throws Exception {
        jobs.close();
        if (operator != null) {
            operator.close();
        }
        cluster.close();
    }
}

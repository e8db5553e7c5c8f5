package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.config.Settings;
import io.castiron.etl.demo.RunnerImage;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.kube.LocalCluster;
import io.castiron.etl.testkit.kube.PodEnvironment;
import io.castiron.etl.testkit.kube.ProcessNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * One whole installation on the real control plane ({@link LocalKubernetes}), in a namespace of its own: the Helm
 * chart installed by helm (its service accounts, RBAC and credentials Secret; the operator Deployment at zero
 * replicas), the packaged operator as a process with the environment the chart's Deployment gives its pod and the
 * token of the chart's operator ServiceAccount, runner Jobs run by the real Job controller on the process node, and
 * the in-process S3, PostgreSQL and Kafka servers.
 */
final class Harness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(90);
    /** The operator's label naming a file's pipeline (its Labels.PIPELINE; the operator is another process here). */
    static final String PIPELINE_LABEL = EtlPipeline.GROUP + "/pipeline";
    static final String RELEASE = "castiron-etl";

    final Map<String, String> settingsEnv = new HashMap<>();
    final Settings settings;
    final ObjectStore store;
    final StatusStore rows;
    final LocalKubernetes kube;
    final String namespace;
    /** The cluster administrator, in the test's namespace: what a user's kubectl is. Never the operator's rights. */
    final KubernetesClient client;
    OperatorProcess operator;
    private final Map<String, String> operatorEnv;
    /** The operator's service-account files (token, namespace), as a pod's mount would hold them. */
    private Path account;

    Harness() throws Exception {
        this(Map.of());
    }

    /** @param values Helm values on top of the test's (e.g. {@code operator.logLevel}) */
    Harness(Map<String, String> values) throws Exception {
        var pg = PostgresTestServer.shared();
        settingsEnv.putAll(S3TestServer.shared().settingsEnv());
        settingsEnv.putAll(pg.settingsEnv(pg.newEmptyDatabase()));
        settingsEnv.putAll(KafkaTestServer.shared().settingsEnv());
        namespace = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        // A config bucket of its own: an installation reads every TOML file in its bucket, other tests' too.
        settingsEnv.put("ETL_CONFIG_BUCKET", "config-" + namespace);
        settings = Settings.from(settingsEnv);
        store = ObjectStore.from(settings);
        rows = StatusStore.from(settings);
        kube = LocalKubernetes.shared();
        client = kube.cluster.admin().adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
                .inNamespace(namespace);
        installChart(values);
        operatorEnv = operatorPodEnvironment();
        operator = new OperatorProcess(operatorEnv).start();
    }

    /** {@code helm install} of the chart, as a user installs it, with the test servers as its settings. */
    private void installChart(Map<String, String> extra) throws Exception {
        Path chart = Path.of(System.getProperty("castiron.chart.dir", "../helm/castiron-etl")).toAbsolutePath();
        var values = new LinkedHashMap<String, String>();
        values.put("operator.replicas", "0"); // the operator runs as a process of the test, with the pod's env
        values.put("s3.endpoint", settings.s3Endpoint());
        values.put("s3.region", settingsEnv.get("ETL_S3_REGION"));
        values.put("postgres.url", settingsEnv.get("ETL_POSTGRES_URL"));
        values.put("kafka.bootstrapServers", settingsEnv.get("ETL_KAFKA_BOOTSTRAP_SERVERS"));
        values.put("configBucket.name", settings.configBucket());
        values.put("configBucket.pollInterval", "500ms");
        values.put("credentials.create", "true");
        values.put("credentials.s3AccessKey", settings.s3AccessKey());
        values.put("credentials.s3SecretKey", settings.s3SecretKey());
        values.put("credentials.postgresUser", settings.postgresUser());
        values.put("credentials.postgresPassword", settings.postgresPassword());
        int i = 0;
        for (var e : new java.util.TreeMap<>(OperatorProcess.FAST_TAKEOVER).entrySet()) {
            values.put("operator.extraEnv[" + i + "].name", e.getKey());
            values.put("operator.extraEnv[" + i++ + "].value", e.getValue());
        }
        String[] image = RunnerImage.REFERENCE.split(":");
        values.put("runner.image.repository", image[0]);
        values.put("runner.image.tag", image[1]);
        values.putAll(extra);
        var args = new java.util.ArrayList<>(List.of("install", RELEASE, chart.toString(), "--namespace", namespace,
                "--create-namespace"));
        values.forEach((k, v) -> args.addAll(List.of("--set-string", k + "=" + v)));
        kube.cluster.run("helm", args.toArray(String[]::new));
    }

    /**
     * The environment of the chart's operator pod, as a kubelet would give it (its env resolved from the Deployment's
     * pod template, Secret references included), plus what a pod's service account mount gives a Fabric8 client:
     * the API server's address, the CA, and a token of the chart's operator ServiceAccount.
     */
    private Map<String, String> operatorPodEnvironment() throws Exception {
        Deployment deployment = client.apps().deployments().withName(RELEASE + "-operator").get();
        var template = deployment.getSpec().getTemplate();
        Pod pod = new PodBuilder().withMetadata(template.getMetadata()).withSpec(template.getSpec()).build();
        pod.getMetadata().setName(RELEASE + "-operator-e2e");
        pod.getMetadata().setNamespace(namespace);
        var env = new HashMap<>(new PodEnvironment(client).resolve(pod, template.getSpec().getContainers().get(0),
                Map.of()));
        LocalCluster cluster = kube.cluster;
        account = Files.createTempDirectory("castiron-operator-sa");
        String serviceAccount = template.getSpec().getServiceAccountName();
        Files.writeString(account.resolve("token"),
                cluster.serviceAccountToken(namespace, serviceAccount, Duration.ofHours(2)));
        Files.writeString(account.resolve("namespace"), namespace);
        env.put("KUBERNETES_SERVICE_HOST", ProcessNode.ADDRESS);
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(cluster.port()));
        env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", account.resolve("token").toString());
        env.put("KUBERNETES_CERTS_CA_FILE", cluster.caFile().toString());
        env.put("KUBERNETES_NAMESPACE_FILE", account.resolve("namespace").toString());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", account.toString());
        return env;
    }

    /** Kill the operator (as kill -9 would) and start a new one. */
    void restartOperator() throws Exception {
        operator.kill();
        startOperator();
    }

    /** A new operator process, after {@code operator.kill()}. */
    void startOperator() throws Exception {
        operator = new OperatorProcess(operatorEnv).start();
    }

    /** A second operator replica: the same pod environment, its own process (for leader election). */
    OperatorProcess startReplica() throws Exception {
        return new OperatorProcess(operatorEnv).start();
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

    /** The events topic has a message for {@code jobId} that contains {@code text}. */
    void assertEventFor(String jobId, String text) {
        assertThat(KafkaTestServer.shared().readAll(settings.kafkaTopic()))
                .anySatisfy(r -> {
                    assertThat(r.key()).isEqualTo(jobId);
                    assertThat(r.value()).contains(text);
                });
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

    /** Stops the operator and deletes the namespace: the namespace controller and the node end everything in it. */
    @Override
    public void close() throws Exception {
        if (operator != null) {
            operator.close();
        }
        kube.cluster.admin().namespaces().withName(namespace).delete();
        if (account != null) {
            try (var files = Files.list(account)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(account);
        }
    }
}

package io.castiron.etl.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.castiron.etl.config.Settings;
import io.castiron.etl.demo.RunnerImage;
import io.castiron.etl.testkit.kube.LocalCluster;
import io.castiron.etl.testkit.kube.PodEnvironment;
import io.castiron.etl.testkit.kube.ProcessNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * One whole installation on the real control plane ({@link LocalKubernetes}), in a namespace of its own: the Helm
 * chart installed by helm (its service accounts, RBAC and credentials Secret; the operator Deployment at zero
 * replicas), the packaged operator as a process with the environment the chart's Deployment gives its pod and the
 * token of the chart's operator ServiceAccount, runner Jobs run by the real Job controller on the process node, and
 * the in-process S3, PostgreSQL and Kafka servers.
 */
final class Harness extends Installation {
    static final String RELEASE = "castiron-etl";

    final LocalKubernetes kube;
    final String namespace;
    private final Map<String, String> operatorEnv;
    /** The operator's service-account files (token, namespace), as a pod's mount would hold them. */
    private Path account;

    Harness() throws Exception {
        this(Map.of());
    }

    /**
     * @param values Helm values on top of the test's (e.g. {@code operator.logLevel}); the client is the cluster
     *               administrator in the test's namespace, what a user's kubectl is, never the operator's rights
     */
    Harness(Map<String, String> values) throws Exception {
        this(LocalKubernetes.shared(), "e2e-" + UUID.randomUUID().toString().substring(0, 8), values);
    }

    private Harness(LocalKubernetes kube, String namespace, Map<String, String> values) throws Exception {
        super(settingsEnv(namespace), kube.cluster.admin()
                .adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class).inNamespace(namespace));
        this.kube = kube;
        this.namespace = namespace;
        installChart(values);
        operatorEnv = operatorPodEnvironment();
        operator = new OperatorProcess(operatorEnv).start();
    }

    /** A config bucket of its own: an installation reads every TOML file in its bucket, other tests' too. */
    private static Map<String, String> settingsEnv(String namespace) {
        var env = testServersEnv();
        env.put(Settings.CONFIG_BUCKET, "config-" + namespace);
        return env;
    }

    /** {@code helm install} of the chart, as a user installs it, with the test servers as its settings. */
    private void installChart(Map<String, String> extra) throws Exception {
        Path chart = Path.of(System.getProperty("castiron.chart.dir", "../helm/castiron-etl")).toAbsolutePath();
        var values = new LinkedHashMap<String, String>();
        values.put("s3.endpoint", settings.s3Endpoint());
        values.put("s3.region", settingsEnv.get(Settings.S3_REGION));
        values.put("postgres.url", settingsEnv.get(Settings.POSTGRES_URL));
        values.put("kafka.bootstrapServers", settingsEnv.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
        values.put("configBucket.name", settings.configBucket());
        values.put("configBucket.pollInterval", "500ms");
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
        // --set for the two values that are not strings (the chart's schema checks types); --set-string for the rest
        var args = new java.util.ArrayList<>(List.of("install", RELEASE, chart.toString(), "--namespace", namespace,
                "--create-namespace",
                "--set", "operator.replicas=0", // the operator runs as a process of the test, with the pod's env
                "--set", "credentials.create=true"));
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

    /** A new operator process of another build ({@code jar}, a quarkus-run.jar), after {@code operator.kill()}. */
    void startOperator(String jar) throws Exception {
        operator = new OperatorProcess(operatorEnv).start(jar);
    }

    /** The same, waiting at most {@code readyWithin} until it is ready. */
    void startOperator(String jar, Duration readyWithin) throws Exception {
        operator = new OperatorProcess(operatorEnv).start(jar, readyWithin);
    }

    /** A second operator replica: the same pod environment, its own process (for leader election). */
    OperatorProcess startReplica() throws Exception {
        return new OperatorProcess(operatorEnv).start();
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

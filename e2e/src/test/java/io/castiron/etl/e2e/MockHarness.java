package io.castiron.etl.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.castiron.etl.contract.CredentialsSecret;
import io.castiron.etl.runner.processor.PythonSettings;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * One whole installation, minus the cluster: the in-process S3, PostgreSQL and Kafka servers, the mock API server,
 * the packaged operator as a process, and the Job stand-in running the real runner.
 */
final class MockHarness extends Installation {
    final MockCluster cluster;
    final JobStandIn jobs;

    /** How Jobs run: not at all (the operator alone), the runner in this JVM, or the packaged runner as a process. */
    enum Jobs {
        NONE, IN_PROCESS, CHILD_PROCESS
    }

    MockHarness(int nodes) throws Exception {
        this(nodes, Jobs.IN_PROCESS);
    }

    MockHarness(int nodes, Jobs mode) throws Exception {
        this(nodes, mode, new MockCluster());
    }

    private MockHarness(int nodes, Jobs mode, MockCluster cluster) throws Exception {
        super(testServersEnv(), cluster.client());
        this.cluster = cluster;
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

    @Override
    public void close() throws Exception {
        jobs.close();
        if (operator != null) {
            operator.close();
        }
        cluster.close();
    }
}

package io.castiron.etl.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

/**
 * The packaged operator ({@code operator/target/quarkus-app}) as its own process, configured as a cluster
 * deployment would configure it: connection settings, the API server, a short leader-election lease (so a
 * restarted operator takes over quickly). Its log goes to {@code target/e2e-logs/}.
 */
final class OperatorProcess implements AutoCloseable {
    private static final AtomicInteger STARTS = new AtomicInteger();

    private final Map<String, String> env;
    private Process process;
    private int httpPort;
    private Path log;

    OperatorProcess(MockCluster cluster, Map<String, String> settingsEnv, Map<String, String> extra) {
        env = new HashMap<>(settingsEnv);
        // The variables a pod's service account would provide, in Fabric8's own names.
        env.put("KUBERNETES_MASTER", cluster.url());
        env.put("KUBERNETES_NAMESPACE", MockCluster.NAMESPACE);
        env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        // A pod has its service account's token. Without any token, Fabric8's client reloads its whole configuration
        // before every request once it is a minute old (looking for one); the mock accepts any token.
        env.put("KUBERNETES_AUTH_TOKEN", "e2e-operator");
        env.put("ETL_LEADER_ELECTION_LEASE_DURATION", "3s");
        env.put("ETL_LEADER_ELECTION_RENEW_DEADLINE", "2s");
        env.put("ETL_LEADER_ELECTION_RETRY_PERIOD", "500ms");
        env.put("ETL_CONFIG_BUCKET_POLL_INTERVAL", "500ms");
        env.put("ETL_RUNNER_IMAGE", "castiron-etl-runner:e2e");
        env.putAll(extra);
    }

    /** Starts the operator and waits until it is ready. */
    OperatorProcess start() throws IOException {
        String jar = System.getProperty("castiron.operator.jar", "../operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: package the operator first (make build)");
        }
        httpPort = freePort();
        Path logs = Path.of(System.getProperty("castiron.logs.dir", "target/e2e-logs"));
        Files.createDirectories(logs);
        log = logs.resolve("operator-" + STARTS.incrementAndGet() + ".log");
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")); // C1 only, as the image runs it
        // For profiling, e.g. -Dcastiron.operator.jvmArgs=-XX:StartFlightRecording=filename=op.jfr
        String extra = System.getProperty("castiron.operator.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar));
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        process = builder.start();
        Awaitility.await("operator ready (log: " + log + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the operator exited with " + process.exitValue()
                                + "; see " + log);
                    }
                    return ready();
                });
        return this;
    }

    private boolean ready() {
        try {
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What {@code kill -9} does: no shutdown, no lease release. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** CPU time the operator process has used so far (all its threads). */
    Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

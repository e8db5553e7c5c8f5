package io.castiron.etl.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import io.castiron.etl.testkit.kube.GuardedProcesses;

/**
 * The packaged operator ({@code operator/target/quarkus-app}) as its own process with exactly the environment it is
 * given (a pod's: see {@link Harness}), started under {@link GuardedProcesses} so it never outlives the test JVM.
 * Its log goes to {@code target/e2e-logs/}.
 */
final class OperatorProcess implements AutoCloseable {
    private static final AtomicInteger STARTS = new AtomicInteger();

    private final Map<String, String> env;
    private Process process;
    private int httpPort;
    private Path log;

    /** @param env the operator's whole environment (nothing is inherited from this JVM) */
    OperatorProcess(Map<String, String> env) {
        this.env = new HashMap<>(env);
    }

    /**
     * What the mock API tier gives the operator: connection settings, the mock reached as a pod would reach an API
     * server, a short leader-election lease (so a restarted operator takes over quickly).
     */
    static Map<String, String> forMock(MockCluster cluster, Map<String, String> settingsEnv) {
        var env = new HashMap<>(settingsEnv);
        env.put("PATH", System.getenv("PATH"));
        env.put("KUBERNETES_MASTER", cluster.url());
        env.put("KUBERNETES_NAMESPACE", MockCluster.NAMESPACE);
        env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        // A pod has its service account's token. Without any token, Fabric8's client reloads its whole configuration
        // before every request once it is a minute old (looking for one); the mock accepts any token.
        env.put("KUBERNETES_AUTH_TOKEN", "e2e-operator");
        env.putAll(FAST_TAKEOVER);
        env.put("ETL_CONFIG_BUCKET_POLL_INTERVAL", "500ms");
        env.put("ETL_RUNNER_IMAGE", "castiron-etl-runner:e2e");
        return env;
    }

    /** A short leader-election lease, so that a replacement operator takes over within seconds. */
    static final Map<String, String> FAST_TAKEOVER = Map.of(
            "ETL_LEADER_ELECTION_LEASE_DURATION", "3s",
            "ETL_LEADER_ELECTION_RENEW_DEADLINE", "2s",
            "ETL_LEADER_ELECTION_RETRY_PERIOD", "500ms");

    /** Starts the packaged operator and waits until it is ready. */
    OperatorProcess start() throws IOException {
        return start(packagedJar());
    }

    /** The packaged operator's quarkus-run.jar. */
    static String packagedJar() {
        return System.getProperty("castiron.operator.jar", "../operator/target/quarkus-app/quarkus-run.jar");
    }

    /** Starts the operator of {@code jar} (a quarkus-run.jar) and waits until it is ready, at most a minute. */
    OperatorProcess start(String jar) throws IOException {
        return start(jar, Duration.ofMinutes(1));
    }

    /**
     * Starts the operator of {@code jar} and waits until it is ready, at most {@code readyWithin}: it is ready once its
     * informers have listed everything, which with thousands of objects can take longer than a minute.
     */
    OperatorProcess start(String jar, Duration readyWithin) throws IOException {
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: package the operator first (make build)");
        }
        httpPort = freePort();
        Path logs = Path.of(System.getProperty("castiron.logs.dir", "target/e2e-logs"));
        Files.createDirectories(logs);
        log = logs.resolve("operator-" + STARTS.incrementAndGet() + ".log");
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only, and an exit on OutOfMemoryError, as the image runs it
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"));
        // For profiling, e.g. -Dcastiron.operator.jvmArgs=-XX:StartFlightRecording=filename=op.jfr
        String extra = System.getProperty("castiron.operator.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar));
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        process = GuardedProcesses.start(builder, Duration.ofSeconds(20));
        Awaitility.await("operator ready (log: " + log + ")").atMost(readyWithin)
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
        GuardedProcesses.killGroup(process);
    }

    /** CPU time the operator's JVM has used so far (all its threads). */
    Duration cpuTime() {
        return jvm().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Waits (at most {@code atMost}) until the operator's JVM used less than 50 ms of CPU in a second: idle. */
    void awaitIdle(Duration atMost) throws InterruptedException {
        Duration last = cpuTime();
        for (long i = 0; i < atMost.toSeconds(); i++) {
            Thread.sleep(1000);
            Duration now = cpuTime();
            if (now.minus(last).toMillis() < 50) {
                return;
            }
            last = now;
        }
    }

    /** A full GC in the operator's JVM, then its used heap (every generation's, Metaspace aside), in bytes. */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        // Every generation's "total ..., used NK" (Metaspace is not heap and has no "total" before "used").
        Matcher used = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
        long usedKb = 0;
        while (used.find()) {
            usedKb += Long.parseLong(used.group(1));
        }
        return usedKb * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** The operator JVM's process id (the guard's child). */
    long pid() {
        return jvm().pid();
    }

    private ProcessHandle jvm() {
        return process.children().findFirst().orElseThrow(() -> new IllegalStateException("the operator's JVM is"
                + " not running; see " + log));
    }

    /** The operator's log file. */
    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            GuardedProcesses.stop(process, Duration.ofSeconds(25));
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

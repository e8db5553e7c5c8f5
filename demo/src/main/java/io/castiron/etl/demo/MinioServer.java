package io.castiron.etl.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.castiron.etl.testkit.kube.GuardedProcesses;
import io.castiron.etl.testkit.kube.Loopback;

/**
 * The real MinIO server that {@code make tools} builds, on loopback with its data in a folder, under
 * {@link GuardedProcesses} (it dies with the JVM that started it).
 */
final class MinioServer implements AutoCloseable {
    static final String ACCESS_KEY = "castiron";
    static final String SECRET_KEY = "castiron-dev-password";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    final int port;
    final int consolePort;

    private MinioServer(Process process, int port, int consolePort) {
        this.process = process;
        this.port = port;
        this.consolePort = consolePort;
    }

    /** Starts {@code minio server} with its data in {@code data} and its output in {@code log}; waits until ready. */
    static MinioServer start(Path tools, Path data, Path log) throws IOException, InterruptedException {
        Path minio = tools.resolve("minio");
        if (!Files.isExecutable(minio)) {
            throw new IllegalStateException(minio + " is missing: run make tools");
        }
        int port = Loopback.freePort();
        int consolePort = Loopback.freePort();
        Files.createDirectories(data);
        Files.createDirectories(log.getParent());
        var builder = new ProcessBuilder(List.of(minio.toString(), "server", data.toString(),
                "--address", "127.0.0.1:" + port, "--console-address", "127.0.0.1:" + consolePort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MINIO_ROOT_USER", ACCESS_KEY);
        builder.environment().put("MINIO_ROOT_PASSWORD", SECRET_KEY);
        builder.environment().put("MINIO_BROWSER_REDIRECT", "off");
        var server = new MinioServer(GuardedProcesses.start(builder, Duration.ofSeconds(5)), port, consolePort);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!server.ready()) {
            if (!server.process.isAlive()) {
                throw new IllegalStateException("minio exited with " + server.process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("minio was not ready within " + START_TIMEOUT + "; see " + log);
            }
            Thread.sleep(100);
        }
        return server;
    }

    /** {@code 127.0.0.1:<port>}, as the settings' {@code ETL_S3_ENDPOINT}. */
    String endpoint() {
        return "127.0.0.1:" + port;
    }

    String consoleUrl() {
        return "http://127.0.0.1:" + consolePort;
    }

    private boolean ready() {
        return Loopback.answers200("http://" + endpoint() + "/minio/health/ready");
    }

    @Override
    public void close() throws InterruptedException {
        GuardedProcesses.stop(process, Duration.ofSeconds(10));
    }
}

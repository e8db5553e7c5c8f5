package io.castiron.etl.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

import io.castiron.etl.runner.processor.PythonSettings;

/**
 * What the runner image holds, laid out on this machine: the packaged runner under {@code /opt/castiron}'s layout
 * ({@code runner/} the jar, {@code runner/lib/} its dependencies), its class-data archive recorded first as the
 * image build does, the example processors (Java in {@code processors/lib/}, Python on the module path, as a user's
 * image built {@code FROM} it adds them), and its entrypoint, the start script
 * {@code runner/bin/castiron-runner}. The e2e tests and {@code make demo} map the runner image to it on the process
 * node.
 */
public final class RunnerImage {
    /** The image reference the e2e tests give the operator for runner Jobs. */
    public static final String REFERENCE = "castiron-etl-runner:e2e";

    /** The entrypoint script. */
    public final Path script;
    final Path home;
    /** What the image's environment holds: JAVA_HOME, CASTIRON_HOME, the processors' Python module path. */
    public final Map<String, String> env;

    private RunnerImage(Path script, Path home, Map<String, String> env) {
        this.script = script;
        this.home = home;
        this.env = env;
    }

    /**
     * Lays the image out under {@code dir} and records its class-data archive (a few seconds).
     *
     * @param repository the project's root (runner/, examples/ are built there)
     * @param pythonPath more folders for the processors' Python module path, after the examples
     */
    public static RunnerImage install(Path repository, Path dir, Path logs, List<Path> pythonPath) throws Exception {
        Path script = repository.resolve("runner/bin/castiron-runner").toAbsolutePath();
        Path jar = repository.resolve("runner/target/castiron-etl-runner.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the runner first (make build)");
        }
        Path home = Files.createDirectories(dir.resolve("opt-castiron"));
        Path runnerDir = Files.createDirectories(home.resolve("runner"));
        Files.createSymbolicLink(runnerDir.resolve(jar.getFileName()), jar);
        Files.createSymbolicLink(runnerDir.resolve("lib"), jar.resolveSibling("lib"));
        // A user's image adds processor jars to processors/lib: here the example Java processors.
        Path processors = repository.resolve("examples/java/target/castiron-etl-examples.jar").toAbsolutePath();
        if (Files.isRegularFile(processors)) {
            Path lib = Files.createDirectories(home.resolve("processors/lib"));
            Files.createSymbolicLink(lib.resolve(processors.getFileName()), processors);
        }
        var env = new HashMap<String, String>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CASTIRON_HOME", home.toString());
        env.put(PythonSettings.PYTHONPATH, Stream.concat(Stream.of(repository.resolve("examples/python")),
                pythonPath.stream()).map(p -> p.toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator)));
        var image = new RunnerImage(script, home, Map.copyOf(env));
        image.recordClassDataArchive(dir, logs.resolve("cds-training.log"));
        return image;
    }

    /** The entrypoint, as the image runs it. */
    public List<String> command() {
        return List.of("sh", script.toString());
    }

    private void recordClassDataArchive(Path dir, Path log) throws Exception {
        var command = new ArrayList<>(command());
        command.add("cds-training");
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("TMPDIR", Files.createDirectories(dir.resolve("cds-tmp")).toString());
        Process p = builder.start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(script + " cds-training failed; see " + log);
        }
    }
}

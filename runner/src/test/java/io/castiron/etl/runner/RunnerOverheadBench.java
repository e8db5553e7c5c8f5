package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.runner.RunnerHarness.StagedFile;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * {@code make bench-runner}: the runner's fixed overhead as a Job pays it. The packaged runner is laid out as in the
 * image and started through the image's own start script ({@code bin/castiron-runner}, same JVM options) with a
 * pod's environment: the Job's variables, {@code KUBERNETES_SERVICE_HOST} set (so the runner makes its Kubernetes
 * client as in a pod), nothing inherited from the developer's shell. First the script's {@code cds-training} writes
 * the class-data archive, as the image build does; then each of {@link #RUNS} runs processes a 1 MB file with a
 * no-op shell processor against the test servers, once with the archive and once without, and the bench reports
 * process start to processor start and processor end to process exit. {@code -Dbench.java.options='A|B'} compares
 * sets of JVM options (the script's {@code CASTIRON_JAVA_OPTIONS}), each with its own training run. The variants
 * take turns run by run, so a change in the machine's load hits each alike. Not a test: its name keeps it out of
 * {@code make test}.
 */
@ExtendWith(TestServers.class)
class RunnerOverheadBench {
    static final int RUNS = Integer.getInteger("bench.runs", 20);
    static final int FILE_BYTES = 1024 * 1024;
    static final Path START_SCRIPT = Path.of("bin/castiron-runner");
    static final String TOPIC = "pizza-tracker-bench";

    @TempDir
    Path temp;

    @Test
    void runnerFixedOverhead(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka) throws Exception {
        var harness = new RunnerHarness(s3, pg, kafka);
        Path home = installLikeTheImage(temp);
        var variants = new LinkedHashMap<String, Map<String, String>>();
        String options = System.getProperty("bench.java.options");
        var trainings = new ArrayList<String>();
        for (String set : options == null ? new String[] {null} : options.split("\\|")) {
            var env = new HashMap<String, String>();
            String name = "as the image runs it";
            if (set != null) {
                env.put("CASTIRON_JAVA_OPTIONS", set.strip());
                name = "CASTIRON_JAVA_OPTIONS=\"" + set.strip() + "\"";
            }
            Path archive = temp.resolve("runner-" + variants.size() + ".jsa");
            env.put("CASTIRON_CDS_ARCHIVE", archive.toString());
            trainings.add(train(home, env, archive));
            variants.put(name + ", with the class-data archive", env);
            var without = new HashMap<>(env);
            without.put("CASTIRON_CDS_ARCHIVE", temp.resolve("no-archive.jsa").toString());
            variants.put(name + ", without it", without);
        }
        String loadBefore = loadAverage();
        var results = new LinkedHashMap<String, Result>();
        var javaCommands = new HashMap<String, String>();
        // every run's file is staged (uploaded, its row inserted) first, as the operator does before a Job starts, so
        // that this JVM's own work for it (and its garbage) does not overlap a measured run
        String content = csv(FILE_BYTES);
        var staged = new ArrayList<StagedFile>();
        for (int i = 0; i < (RUNS + 1) * variants.size(); i++) {
            // one topic for all runs, as in a deployment: the unmeasured first run has it created
            staged.add(harness.stage(Processor.shell("date +%s%N > \"$MARKS/start\"; date +%s%N > \"$MARKS/end\""),
                    "bench-" + i + ".csv", content).with(Settings.KAFKA_TOPIC, TOPIC));
        }
        for (int run = 0; run <= RUNS; run++) {
            int index = 0;
            for (var variant : variants.entrySet()) {
                Path marks = Files.createDirectories(temp.resolve("run-" + run + "-" + index));
                var file = staged.get(run * variants.size() + index++).with("MARKS", marks.toString());
                // the first run of each variant (the servers' first requests) is not measured; it shows the command
                boolean warmUp = run == 0;
                var builder = new ProcessBuilder(warmUp ? List.of("sh", "-x", START_SCRIPT.toString())
                        : List.of("sh", START_SCRIPT.toString())).redirectErrorStream(true)
                        .redirectOutput(marks.resolve("runner.log").toFile());
                Map<String, String> env = podEnvironment(builder, home, temp);
                // as in a pod; the no-op processor reports no progress, so nothing is sent there
                env.put(EtlFileStatusPatcher.IN_CLUSTER_VARIABLE, "127.0.0.1");
                env.put("KUBERNETES_SERVICE_PORT", "1");
                env.putAll(variant.getValue());
                env.putAll(file.env());
                long started = epochNanos();
                Process process = builder.start();
                assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
                long exited = epochNanos();
                String log = Files.readString(marks.resolve("runner.log"));
                assertThat(process.exitValue()).as(log).isEqualTo(RunnerExitCodes.PROCESSED);
                assertThat(harness.exists(file.archiveKey())).isTrue();
                if (warmUp) {
                    javaCommands.put(variant.getKey(), log.lines().filter(l -> l.startsWith("+ exec ")).findFirst()
                            .orElse("+ exec ?").substring("+ exec ".length()).replace(home.toString(), "$CASTIRON_HOME")
                            .replace(temp.toString(), "$TMPDIR"));
                    continue;
                }
                long processorStart = Long.parseLong(Files.readString(marks.resolve("start")).strip());
                long processorEnd = Long.parseLong(Files.readString(marks.resolve("end")).strip());
                results.computeIfAbsent(variant.getKey(), k -> new Result())
                        .add((processorStart - started) / 1e6, (exited - processorEnd) / 1e6);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "runner fixed overhead over %d runs (no-op shell processor, 1 MB file),"
                + " started as the image starts it: %s%n", RUNS, START_SCRIPT);
        trainings.forEach(training -> System.out.println("  " + training));
        System.out.println("  load average before: " + loadBefore + "   after: " + loadAverage() + "   (cores: "
                + Runtime.getRuntime().availableProcessors() + ")");
        results.forEach((variant, result) -> {
            System.out.println("  " + variant + ": " + javaCommands.get(variant));
            report("process start -> processor start", result.before);
            report("processor end -> process exit  ", result.after);
        });
        System.out.println();
    }

    /** What a pod gives the runner besides the Job's variables; nothing of the developer's shell. */
    static Map<String, String> podEnvironment(ProcessBuilder builder, Path home, Path temp) {
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", temp.toString());
        env.put("TMPDIR", temp.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CASTIRON_HOME", home.toString());
        return env;
    }

    /** Writes the archive as the image build does (the script's cds-training); returns what it took. */
    private String train(Path home, Map<String, String> variant, Path archive) throws Exception {
        Path log = temp.resolve(archive.getFileName() + ".log");
        var builder = new ProcessBuilder("sh", START_SCRIPT.toString(), "cds-training").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        podEnvironment(builder, home, temp).putAll(variant);
        long started = System.nanoTime();
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        assertThat(archive).as(Files.readString(log)).exists();
        return String.format(Locale.ROOT, "cds-training: %.1f s, archive %.0f MB", (System.nanoTime() - started) / 1e9,
                Files.size(archive) / 1e6);
    }

    private static final class Result {
        final List<Double> before = new ArrayList<>();
        final List<Double> after = new ArrayList<>();

        void add(double beforeMillis, double afterMillis) {
            before.add(beforeMillis);
            after.add(afterMillis);
        }
    }

    /** The image's /opt/castiron: runner/ (the runner jar), runner/lib/ (its dependencies), processors/lib/ (examples). */
    static Path installLikeTheImage(Path temp) throws IOException {
        Path target = Path.of(System.getProperty("castiron.runner.jar", "target/castiron-etl-runner.jar"));
        assertThat(target).as("the packaged runner (mvn package)").exists();
        Path home = temp.resolve("opt-castiron");
        Path runner = Files.createDirectories(home.resolve("runner"));
        Files.createSymbolicLink(runner.resolve(target.getFileName()), target.toAbsolutePath());
        Files.createSymbolicLink(runner.resolve("lib"), target.toAbsolutePath().resolveSibling("lib"));
        Path processors = Files.createDirectories(home.resolve("processors/lib"));
        Path examples = RunnerHarness.EXAMPLES.resolve("java/target/castiron-etl-examples.jar");
        if (Files.exists(examples)) {
            Files.createSymbolicLink(processors.resolve(examples.getFileName()), examples.toAbsolutePath());
        }
        return home;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void report(String what, List<Double> millis) {
        var sorted = millis.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        double p95 = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
        System.out.printf(Locale.ROOT, "    %s  median %6.0f ms   p95 %6.0f ms   min %6.0f ms   max %6.0f ms%n", what,
                median, p95, sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String csv(int bytes) {
        var random = new Random(42);
        var text = new StringBuilder(bytes + 64).append("id,value\n");
        for (int i = 0; text.length() < bytes; i++) {
            text.append(i).append(',').append(random.nextInt(1_000_000)).append('\n');
        }
        return text.substring(0, bytes);
    }
}

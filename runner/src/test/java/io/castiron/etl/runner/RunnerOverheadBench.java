package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * {@code make bench-runner}: the runner's fixed overhead, as a Job pays it, over {@link #RUNS} runs of the
 * packaged runner ({@code java -jar}) with a no-op shell processor on a 1 MB file against the test servers:
 * process start to processor start (JVM start, contract, row, download, ...) and processor end to process exit
 * (move to archive, row, Kafka flush, JVM exit). A warm-up run first writes an AppCDS archive that the measured
 * runs use, as the runner image should ({@code -Dbench.cds=false} measures without it). Not a test: its name keeps
 * it out of {@code make test}.
 */
@ExtendWith(TestServers.class)
class RunnerOverheadBench {
    static final int RUNS = Integer.getInteger("bench.runs", 20);
    static final int FILE_BYTES = 1024 * 1024;
    /** JVM options for a short-lived process, as the runner image should pass them. */
    static final String RUNNER_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";

    @TempDir
    Path temp;

    @Test
    void runnerFixedOverhead(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka) throws Exception {
        var harness = new RunnerHarness(s3, pg, kafka);
        String content = csv(FILE_BYTES);
        Path jar = Path.of(System.getProperty("castiron.runner.jar", "target/castiron-etl-runner.jar"));
        var command = new ArrayList<String>();
        command.add(javaBin());
        command.addAll(List.of(System.getProperty("bench.jvm.options", RUNNER_JVM_OPTIONS).split("\\s+")));
        boolean cds = Boolean.parseBoolean(System.getProperty("bench.cds", "true"));
        Path archive = temp.resolve("runner.jsa");
        int cdsOption = command.size();
        command.addAll(Files.exists(jar) ? List.of("-jar", jar.toString())
                : List.of("-cp", System.getProperty("java.class.path"), RunnerMain.class.getName()));
        command.removeIf(String::isBlank);
        var before = new ArrayList<Double>();
        var after = new ArrayList<Double>();
        for (int run = 0; run <= RUNS; run++) {
            Path marks = Files.createDirectory(temp.resolve("run-" + run));
            var file = harness.stage(Processor.shell("date +%s%N > \"$MARKS/start\"; date +%s%N > \"$MARKS/end\""),
                    "bench-" + run + ".csv", content).with("MARKS", marks.toString());
            var runCommand = new ArrayList<>(command);
            if (cds) {
                // the warm-up run writes the class-data archive the others use, as an image build would
                runCommand.add(cdsOption, run == 0 ? "-XX:ArchiveClassesAtExit=" + archive
                        : "-XX:SharedArchiveFile=" + archive);
            }
            var builder = new ProcessBuilder(runCommand).redirectErrorStream(true)
                    .redirectOutput(marks.resolve("runner.log").toFile());
            builder.environment().keySet().removeIf(n -> n.startsWith("ETL_") || n.equals("KUBERNETES_SERVICE_HOST"));
            builder.environment().putAll(file.env());
            builder.environment().put("TMPDIR", temp.toString());
            long started = epochNanos();
            Process process = builder.start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            long exited = epochNanos();
            assertThat(process.exitValue()).as(Files.readString(marks.resolve("runner.log")))
                    .isEqualTo(RunnerExitCodes.PROCESSED);
            assertThat(harness.exists(file.archiveKey())).isTrue();
            if (run == 0) {
                continue; // warm-up: the servers' first requests
            }
            long processorStart = Long.parseLong(Files.readString(marks.resolve("start")).strip());
            long processorEnd = Long.parseLong(Files.readString(marks.resolve("end")).strip());
            before.add((processorStart - started) / 1e6);
            after.add((exited - processorEnd) / 1e6);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "runner fixed overhead over %d runs (no-op shell processor, 1 MB file, %s)%n",
                RUNS, String.join(" ", command.subList(1, command.size())).replace(System.getProperty("java.class.path"), "<test classpath>")
                        + (cds ? ", with an AppCDS archive from the warm-up run" : ""));
        report("process start -> processor start", before);
        report("processor end -> process exit  ", after);
        var total = new ArrayList<Double>();
        for (int i = 0; i < before.size(); i++) {
            total.add(before.get(i) + after.get(i));
        }
        report("total                          ", total);
    }

    private static void report(String what, List<Double> millis) {
        var sorted = millis.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        double p95 = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
        System.out.printf(Locale.ROOT, "  %s  median %6.0f ms   p95 %6.0f ms   min %6.0f ms   max %6.0f ms%n", what,
                median, p95, sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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

package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.testkit.TestServers;

/** The runner as the Job runs it: its own JVM, its environment, signals and exit code. */
class RunnerProcessTest extends OnTestServers {
    private Process start(Map<String, String> env, Path output) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RunnerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ETL_") || name.equals("KUBERNETES_SERVICE_HOST"));
        builder.environment().putAll(env);
        builder.environment().put("TMPDIR", temp.toString());
        return builder.start();
    }

    @Test
    void sigtermStopsASleepingProcessorAndItsChildrenWithinFiveSecondsAndLeavesTheFile() throws Exception {
        Path started = temp.resolve("started");
        var file = harness.stage(Processor.shell("sleep 600 & echo $! > \"$MARKER\"; wait"), "slow.csv", "a\n")
                .with("MARKER", started.toString());
        Process runner = start(file.env(), temp.resolve("runner.log"));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started) && Files.size(started) > 0);
        long sleepPid = Long.parseLong(Files.readString(started).strip());
        var sleeper = ProcessHandle.of(sleepPid).orElseThrow();
        long signalled = System.nanoTime();
        runner.destroy(); // SIGTERM

        assertThat(runner.waitFor(5, TimeUnit.SECONDS)).as("runner exited within 5 s of SIGTERM").isTrue();
        long millis = (System.nanoTime() - signalled) / 1_000_000;
        assertThat(runner.exitValue()).as("exit code after %d ms", millis).isEqualTo(RunnerExitCodes.TERMINATED);
        await().atMost(Duration.ofSeconds(2)).until(() -> !sleeper.isAlive());
        assertThat(harness.exists(file.processingKey())).isTrue();
        assertThat(harness.exists(file.archiveKey())).isFalse();
        assertThat(harness.exists(file.errorKey())).isFalse();
        assertThat(harness.row(file).status()).isEqualTo(FileStatus.PROCESSING);
    }

    @Test
    void exitCodesOfARealProcess() throws Exception {
        var failing = harness.stage(Processor.shell("echo 'bad header' >&2; exit 4"), "bad.csv", "a\n", true, true);
        Process failed = start(failing.env(), temp.resolve("failed.log"));
        var missing = harness.stage(Processor.shell("true"), "ok.csv", "a\n").without(JobContract.BUCKET);
        Path missingLog = temp.resolve("missing.log");
        Process badContract = start(missing.env(), missingLog);

        assertThat(failed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.exitValue()).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);
        assertThat(harness.read(failing.errorLogKey())).contains("exit code: 4").contains("bad header");

        assertThat(badContract.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(badContract.exitValue()).isEqualTo(RunnerExitCodes.BAD_CONTRACT);
        assertThat(Files.readString(missingLog, StandardCharsets.UTF_8)).contains(JobContract.BUCKET + " is not set");
        assertThat(harness.exists(missing.processingKey())).isTrue();
    }
}

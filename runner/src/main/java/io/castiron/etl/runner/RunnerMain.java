package io.castiron.etl.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's command line. Without arguments it is a Job's entrypoint: it processes the file its environment
 * names ({@link io.castiron.etl.contract.JobContract}) and exits with a code of
 * {@link io.castiron.etl.contract.RunnerExitCodes}. {@code try <pipeline.toml> <file>} runs a pipeline's
 * processor on a local file instead ({@link TryCommand}); {@code cds-training} is the image build's training run
 * for the class-data archive ({@link CdsTraining}).
 */
public final class RunnerMain {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerMain.class);
    /** How long SIGTERM waits for the run to stop its processor and return (the pod's grace period is 30 s). */
    static final long STOP_WAIT_SECONDS = 15;

    private RunnerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("try")) {
            System.exit(TryCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length == 1 && args[0].equals("cds-training")) {
            System.exit(CdsTraining.run(Path.of(System.getProperty("java.io.tmpdir"))));
        }
        if (args.length > 0) {
            System.err.println("usage: runner                    (in a Job: the file comes from the environment)\n"
                    + "       runner try PIPELINE.toml FILE\n"
                    + "       runner cds-training       (the image build's training run for the class-data archive)");
            System.exit(2);
        }
        var environment = System.getenv();
        var runner = new Runner(Runner.Options.fromEnvironment(environment));
        var finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finished.getCount() == 0) {
                return;
            }
            LOG.info("SIGTERM: stopping the processor; the file stays where it is");
            runner.requestStop();
            try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "runner-stop"));
        int exitCode = runner.run(environment);
        finished.countDown();
        System.exit(exitCode);
    }
}

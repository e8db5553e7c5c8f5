package io.castiron.etl.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.processor.Progress;
import io.castiron.etl.runner.processor.LocalProcessor;
import io.castiron.etl.runner.processor.LocalProcessors;
import io.castiron.etl.runner.processor.ProcessorCall;
import io.castiron.etl.runner.processor.ProcessorOutcome;
import io.castiron.etl.runner.processor.PythonSettings;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.toml.PipelineConfig;
import io.castiron.etl.toml.PipelineToml;
import io.castiron.etl.toml.TomlConfigException;

/**
 * {@code try PIPELINE.toml FILE}: runs a pipeline's processor on a local file as a Job would (a copy in a
 * private folder, the same kwargs, metadata and progress pipe), without S3, PostgreSQL, Kafka or a cluster, and
 * prints the progress and the outcome. For people writing processors. Exits 0 when the processor succeeded,
 * 3 when it failed, 75 for a temporary failure, 2 for bad arguments or TOML.
 */
final class TryCommand {
    private TryCommand() {
    }

    static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** Does what {@link #run(String[])} does, printing to {@code out} and {@code err}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: try PIPELINE.toml FILE");
            return RunnerExitCodes.BAD_CONTRACT;
        }
        Path toml = Path.of(args[0]);
        Path input = Path.of(args[1]);
        PipelineConfig config;
        try {
            config = PipelineToml.decode(Files.readString(toml), toml.toString());
        } catch (NoSuchFileException e) {
            err.println("cannot read " + toml + ": no such file");
            return RunnerExitCodes.BAD_CONTRACT;
        } catch (IOException e) {
            err.println("cannot read " + toml + ": " + e.getMessage());
            return RunnerExitCodes.BAD_CONTRACT;
        } catch (TomlConfigException e) {
            err.println(e.getMessage());
            return RunnerExitCodes.BAD_CONTRACT;
        }
        if (!Files.isRegularFile(input)) {
            err.println("cannot read " + input + ": " + (Files.exists(input) ? "not a file" : "no such file"));
            return RunnerExitCodes.BAD_CONTRACT;
        }
        config.warnings().forEach(w -> err.println("warning: " + w));
        var environment = System.getenv();
        LocalProcessor processor = LocalProcessors.of(config.spec().getProcessor(),
                PythonSettings.from(environment, List.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(processor::stop, "try-stop"));
        Path workDir = null;
        try {
            workDir = LocalFiles.privateDir(Path.of(System.getProperty("java.io.tmpdir")), "castiron-try-");
            Path file = LocalFiles.inside(Files.createDirectory(workDir.resolve("data")), input.getFileName()
                    .toString());
            Files.copy(input, file);
            String fileId = UUID.randomUUID().toString();
            String name = input.getFileName().toString();
            Map<String, String> metadata = ObjectMetadata.of(fileId, name, FileStatus.PROCESSING);
            out.println("[try] " + processor.describe() + " on " + input + " (file id " + fileId + ")");
            long started = System.nanoTime();
            ProcessorOutcome outcome = processor.run(new ProcessorCall(file, fileId, name, metadata,
                    ProcessorCall.fileMetadata(ObjectMetadata.asHeaders(ObjectMetadata.of(fileId, name, FileStatus.QUEUED))),
                    workDir, new PrintedProgress(out), environment));
            long millis = (System.nanoTime() - started) / 1_000_000;
            return report(outcome, millis, successfulDestination(config), out);
        } catch (IOException e) {
            err.println("cannot copy " + input + " to a temporary folder: " + e.getMessage());
            return RunnerExitCodes.BAD_CONTRACT;
        } finally {
            LocalFiles.deleteTree(workDir);
        }
    }

    /** What a Job does with a processed file: the runner's rule, from the pipeline's stage folders. */
    private static String successfulDestination(PipelineConfig config) {
        var layout = new StageLayout(EtlPipelineSpec.DEFAULT_BUCKET, config.spec().getPrefix(),
                config.spec().getStages());
        return layout.archiveDir().map(dir -> "would go to archive (" + dir + ")")
                .orElse("would be deleted: the pipeline has no archive_dir");
    }

    private static int report(ProcessorOutcome outcome, long millis, String successfulDestination, PrintStream out) {
        String took = " in " + millis + " ms";
        return switch (outcome.result()) {
            case SUCCEEDED -> {
                out.println("[try] outcome: processed" + took + " (in a Job the file " + successfulDestination + ")");
                yield RunnerExitCodes.PROCESSED;
            }
            case FAILED -> {
                out.println("[try] outcome: FAILED" + took + ": " + outcome.error());
                if (outcome.exitCode() == null && !outcome.details().isBlank()) {
                    out.print(outcome.details());
                }
                out.println("[try] (in a Job the file would go to error, with an error log when"
                        + " save_error_log = true)");
                yield RunnerExitCodes.PROCESSOR_FAILED;
            }
            case RETRY_LATER -> {
                out.println("[try] outcome: temporary failure" + took + ": " + outcome.error()
                        + " (in a Job the file would stay in processing and be retried)");
                yield RunnerExitCodes.RETRY_LATER;
            }
            case STOPPED -> {
                out.println("[try] outcome: stopped");
                yield RunnerExitCodes.TERMINATED;
            }
        };
    }

    /** Prints each progress update as it arrives. */
    private record PrintedProgress(PrintStream out) implements Progress {
        @Override
        public void progress(double fraction) {
            out.println(String.format(Locale.ROOT, "[try] progress %.1f%%", fraction * 100));
        }

        @Override
        public void task(String text) {
            out.println("[try] task: " + text);
        }

        @Override
        public void committed(long count) {
            out.println("[try] committed: " + count);
        }
    }
}

package io.castiron.etl.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.runner.processor.LocalProcessor;
import io.castiron.etl.runner.processor.LocalProcessors;
import io.castiron.etl.runner.processor.ProcessorCall;
import io.castiron.etl.runner.processor.ProcessorOutcome;
import io.castiron.etl.runner.processor.PythonSettings;
import io.castiron.etl.runner.progress.ThrottledProgress;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectInfo;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Processes the one file of a Job (docs/architecture.md, lifecycle step 7, "Run"): reads the contract, downloads the file
 * (the same request tells whether an earlier attempt finished it), marks the row Processing, runs the processor
 * while forwarding its progress, then moves the file to archive or error and records the outcome. Its Kafka messages
 * go into the event outbox in PostgreSQL, each status with the row change it reports, for the operator's relay to
 * publish: a run never talks to Kafka. {@link #run} returns the process exit code ({@link RunnerExitCodes}).
 */
public final class Runner {
    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
    static final int MAX_ERROR_CHARS = 2000;
    private static final String EARLIER_FAILURE = "the processor failed in an earlier attempt";
    /** A file of a batch that was canceled before its turn: it is not touched (never a process exit code). */
    private static final int CANCELED_BEFORE_START = -1;
    /** {@code status.runnerOutcome} of a file of a batch, once its runner is done with it. */
    static final String BATCH_PROCESSED = "Processed";
    static final String BATCH_FAILED = "ProcessorFailed";

    /**
     * @param retry          retries of each S3 / PostgreSQL step
     * @param python         the interpreter and module path for Python processors
     * @param tempRoot       where the private per-file folder is made
     * @param statusInterval at most one progress write per interval to the row and the EtlFile
     * @param kubernetes     makes the client that patches the EtlFile status, on the first progress to patch (its
     *                       start-up, most of a second of class loading, is no part of every run); null to not patch
     * @param objectStores   makes the run's object store from its settings (tests give one with a fault injected)
     */
    public record Options(Retry retry, PythonSettings python, Path tempRoot, Duration statusInterval,
            Supplier<KubernetesClient> kubernetes, Function<Settings, ObjectStore> objectStores) {

        public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofMillis(250);

        /** Options whose object store is the settings' S3 endpoint. */
        public Options(Retry retry, PythonSettings python, Path tempRoot, Duration statusInterval,
                Supplier<KubernetesClient> kubernetes) {
            this(retry, python, tempRoot, statusInterval, kubernetes, ObjectStore::from);
        }

        /** The options of a runner in a Job: {@code TMPDIR}, {@code ETL_PYTHON(PATH)}, in-cluster client. */
        public static Options fromEnvironment(Map<String, String> environment) {
            String tmp = environment.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir"));
            return new Options(Retry.DEFAULT, PythonSettings.from(environment, List.of()), Path.of(tmp),
                    DEFAULT_STATUS_INTERVAL, EtlFileStatusPatcher.inClusterClient(environment));
        }
    }

    private final Options options;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile LocalProcessor running;

    public Runner(Options options) {
        this.options = options;
    }

    /** Asks a run in progress to stop its processor and return without moving the file (SIGTERM). */
    public void requestStop() {
        stopRequested.set(true);
        LocalProcessor processor = running;
        if (processor != null) {
            processor.stop();
        }
    }

    /**
     * Processes the file the contract in {@code environment} names, or each file of its batch in turn; returns the
     * exit code.
     */
    public int run(Map<String, String> environment) {
        JobContract contract;
        List<JobContract> files;
        try {
            contract = JobContract.fromEnv(environment);
            files = contract.files();
            files.forEach(f -> parseId(f.fileId()));
        } catch (JobContract.ContractException e) {
            LOG.error("cannot start: {}; the file was not touched", e.getMessage());
            return RunnerExitCodes.BAD_CONTRACT;
        }
        Settings settings = Settings.from(environment);
        StatusStore rows = StatusStore.from(settings);
        try (var messages = new ProgressMessages(rows);
                var processor = LocalProcessors.of(contract.processor(), options.python())) {
            var shared = new Shared(environment, options.objectStores().apply(settings), rows, messages, processor);
            if (files.size() == 1) {
                return runOne(contract, shared);
            }
            return runBatch(files, shared);
        }
    }

    /**
     * What the files of one run share: connections, the queue of progress messages, the processor (one Python
     * interpreter).
     */
    private record Shared(Map<String, String> environment, ObjectStore store, StatusStore rows,
            ProgressMessages messages, LocalProcessor processor) {
    }

    private int runOne(JobContract contract, Shared shared) {
        try {
            int code = new FileRun(contract, parseId(contract.fileId()), shared).run();
            return code == CANCELED_BEFORE_START ? RunnerExitCodes.PROCESSED : code;
        } catch (InfrastructureException e) {
            LOG.error("pipeline {} file {}: {}; s3://{}/{} is left for the Job's next attempt", contract.pipeline(),
                    contract.fileId(), e.getMessage(), contract.bucket(), contract.processingKey());
            return RunnerExitCodes.INFRASTRUCTURE_FAILURE;
        }
    }

    /**
     * The files of a batch one after another. A processor failure is that file's outcome and the batch goes on; a
     * file to retry later stays in processing and the batch goes on, then exits for a retry; an infrastructure
     * failure or a stop ends the batch. The Job's next pod runs the whole batch again, and the files an earlier pod
     * finished are found finished (their object is out of processing) and left alone. Each finished file's EtlFile
     * is told at once, so the operator records its outcome before the batch ends.
     */
    private int runBatch(List<JobContract> files, Shared shared) {
        JobContract first = files.get(0);
        LOG.info("pipeline {}: a batch of {} files", first.pipeline(), files.size());
        boolean retryLater = false;
        for (int i = 0; i < files.size(); i++) {
            JobContract file = files.get(i);
            int code;
            try {
                code = new FileRun(file, parseId(file.fileId()), shared).run();
            } catch (InfrastructureException e) {
                LOG.error("pipeline {} file {}: {}; s3://{}/{} and the {} files after it are left for the Job's next"
                        + " attempt", file.pipeline(), file.fileId(), e.getMessage(), file.bucket(),
                        file.processingKey(), files.size() - i - 1);
                return RunnerExitCodes.INFRASTRUCTURE_FAILURE;
            }
            switch (code) {
                case RunnerExitCodes.PROCESSED, RunnerExitCodes.PROCESSOR_FAILED -> tellOperator(file, code);
                case RunnerExitCodes.RETRY_LATER -> retryLater = true;
                case RunnerExitCodes.TERMINATED -> {
                    LOG.info("pipeline {}: stopped; the {} files after file {} stay in processing", file.pipeline(),
                            files.size() - i - 1, file.fileId());
                    return code;
                }
                default -> {
                    // CANCELED_BEFORE_START: the operator moves the file to canceled
                }
            }
        }
        return retryLater ? RunnerExitCodes.RETRY_LATER : RunnerExitCodes.PROCESSED;
    }

    /** Notes on the file's EtlFile that the batch is done with it (best effort: the batch's end tells too). */
    private void tellOperator(JobContract file, int code) {
        if (options.kubernetes() != null) {
            new EtlFileStatusPatcher(options.kubernetes(), file.namespace(), file.etlFileName())
                    .finished(code == RunnerExitCodes.PROCESSED ? BATCH_PROCESSED : BATCH_FAILED);
        }
    }

    private static UUID parseId(String fileId) {
        try {
            return UUID.fromString(fileId);
        } catch (IllegalArgumentException e) {
            throw new JobContract.ContractException(JobContract.FILE_ID, "is not a UUID: '" + fileId + "'");
        }
    }

    /** One file's run, step by step. */
    private final class FileRun {
        private final JobContract contract;
        private final UUID id;
        private final Map<String, String> environment;
        private final ObjectStore store;
        private final StatusStore rows;
        private final ProgressMessages messages;
        private final LocalProcessor processor;
        private final StageLayout layout;
        private final String bucket;
        private final Retry retry = options.retry();

        FileRun(JobContract contract, UUID id, Shared shared) {
            this.contract = contract;
            this.id = id;
            this.environment = shared.environment();
            this.store = shared.store();
            this.rows = shared.rows();
            this.messages = shared.messages();
            this.processor = shared.processor();
            this.layout = contract.layout();
            this.bucket = contract.bucket();
        }

        int run() {
            String key = contract.processingKey();
            // the first S3 and PostgreSQL requests (connections, class loading) overlap
            var rowLookup = CompletableFuture.supplyAsync(() -> retry.call(
                    "read the " + StatusStore.TABLE + " row of file " + id, () -> rows.findById(id)));
            Path workDir = null;
            try {
                workDir = LocalFiles.privateDir(options.tempRoot(), "castiron-" + contract.fileId() + "-");
                Path file = LocalFiles.inside(Files.createDirectory(workDir.resolve("data")), contract.originalName());
                // The GET that downloads the file also tells whether it is still in processing (no stat first).
                Optional<ObjectInfo> object = retry.call("download s3://" + bucket + "/" + key,
                        () -> store.downloadIfPresent(bucket, key, file));
                FileStatusRecord row = join(rowLookup).orElseThrow(() -> new InfrastructureException(
                        "no " + StatusStore.TABLE + " row has id " + id));
                if (object.isEmpty()) {
                    return resumeFinished(row);
                }
                if (layout.archiveDir().isEmpty() && row.status() == FileStatus.COMPLETE) {
                    log("was processed by an earlier attempt; deleting s3://{}/{}", bucket, key);
                    retry.run("delete s3://" + bucket + "/" + key, () -> store.delete(bucket, key));
                    return RunnerExitCodes.PROCESSED;
                }
                if (row.status() == FileStatus.PROCESSING) {
                    Optional<Integer> finished = finishInterruptedMove();
                    if (finished.isPresent()) {
                        return finished.get();
                    }
                }
                int attempt = row.attempts() + 1;
                // with ETL_KAFKA_PROCESSING_STATUS, the row's change queues the processing message
                if (!retry.call("mark file " + id + " Processing", () -> rows.markProcessing(id, attempt,
                        contract.etlFileName()))) {
                    log("was canceled before it started; s3://{}/{} is left for the operator", bucket, key);
                    return CANCELED_BEFORE_START;
                }
                log("processing s3://{}/{} (attempt {})", bucket, key, attempt);
                if (stopRequested.get()) {
                    log("stopped before the processor started; s3://{}/{} stays", bucket, key);
                    return RunnerExitCodes.TERMINATED;
                }
                ProcessorOutcome outcome = process(file, workDir, object.get());
                messages.flush(); // every progress message is queued before the final status's
                return finish(outcome, object.get(), attempt > 1);
            } catch (IOException e) {
                throw new InfrastructureException("cannot prepare the local folder for file " + id + " in "
                        + options.tempRoot() + ": " + e.getMessage(), e);
            } finally {
                LocalFiles.deleteTree(workDir);
            }
        }

        private ProcessorOutcome process(Path file, Path workDir, ObjectInfo object) {
            EtlFileStatusPatcher patcher = options.kubernetes() == null ? null
                    : new EtlFileStatusPatcher(options.kubernetes(), contract.namespace(), contract.etlFileName());
            var rowWarned = new AtomicBoolean();
            var stored = new ThrottledProgress(options.statusInterval(), state -> {
                try {
                    rows.updateProgress(id, state.progress(), state.task(), state.committed());
                } catch (RuntimeException e) {
                    if (rowWarned.compareAndSet(false, true)) {
                        LOG.warn("file {}: cannot record progress in {} (processing goes on): {}", id,
                                StatusStore.TABLE, e.getMessage());
                    }
                }
                if (patcher != null) {
                    patcher.patch(state);
                }
            });
            var call = new ProcessorCall(file, contract.fileId(), contract.originalName(),
                    processorMetadata(object), ProcessorCall.fileMetadata(object.headers()), workDir, new ProgressForwarder(messages, contract.fileId(), stored),
                    environment);
            running = processor;
            try {
                if (stopRequested.get()) {
                    return ProcessorOutcome.stopped(null);
                }
                log("running {} on {}", processor.describe(), file.getFileName());
                ProcessorOutcome outcome = processor.run(call);
                log("{} ended: {}{}", processor.describe(), outcome.result(),
                        outcome.exitCode() == null ? "" : " (exit code " + outcome.exitCode() + ")");
                return outcome;
            } finally {
                running = null;
                stored.close();
            }
        }

        private int finish(ProcessorOutcome outcome, ObjectInfo object, boolean retried) {
            String key = contract.processingKey();
            return switch (outcome.result()) {
                case SUCCEEDED -> succeed(object, retried);
                case FAILED -> fail(outcome, object);
                case RETRY_LATER -> {
                    LOG.warn("pipeline {} file {}: temporary failure, s3://{}/{} stays in processing for the next"
                            + " attempt: {}", contract.pipeline(), id, bucket, key, outcome.error());
                    yield RunnerExitCodes.RETRY_LATER;
                }
                case STOPPED -> {
                    log("stopped; s3://{}/{} stays in processing", bucket, key);
                    yield RunnerExitCodes.TERMINATED;
                }
            };
        }

        private int succeed(ObjectInfo object, boolean retried) {
            String key = contract.processingKey();
            Optional<String> archiveKey = layout.archiveKey(contract.fileId(), contract.originalName());
            if (retried && contract.saveErrorLog()) {
                // an earlier attempt may have written its error log and stopped before moving the file to error
                String logKey = layout.errorLogKey(contract.fileId(), contract.originalName());
                retry.run("delete the stale error log s3://" + bucket + "/" + logKey,
                        () -> store.delete(bucket, logKey));
            }
            if (archiveKey.isPresent()) {
                retry.run("move s3://" + bucket + "/" + key + " to " + archiveKey.get(),
                        () -> store.move(bucket, object, archiveKey.get(),
                                ObjectMetadata.status(FileStatus.COMPLETE)));
                retry.run("mark file " + id + " Complete",
                        () -> rows.finish(id, FileStatus.COMPLETE, archiveKey.get(), null));
                log("processed; moved to s3://{}/{}", bucket, archiveKey.get());
            } else {
                // row first: a retry that finds the row Complete only finishes the delete
                retry.run("mark file " + id + " Complete", () -> rows.finish(id, FileStatus.COMPLETE, null, null));
                retry.run("delete s3://" + bucket + "/" + key, () -> store.delete(bucket, key));
                log("processed; the pipeline has no archive folder, so s3://{}/{} was deleted", bucket, key);
            }
            return RunnerExitCodes.PROCESSED;
        }

        private int fail(ProcessorOutcome outcome, ObjectInfo object) {
            String key = contract.processingKey();
            String errorKey = layout.errorKey(contract.fileId(), contract.originalName());
            if (contract.saveErrorLog()) {
                String logKey = layout.errorLogKey(contract.fileId(), contract.originalName());
                byte[] text = ErrorLog.text(contract, processor.describe(), outcome).getBytes(StandardCharsets.UTF_8);
                var metadata = new LinkedHashMap<String, String>();
                metadata.put(ObjectMetadata.ID, contract.fileId());
                metadata.put(ObjectMetadata.ORIGINAL_FILENAME, contract.originalName());
                retry.run("upload the error log s3://" + bucket + "/" + logKey,
                        () -> store.upload(bucket, logKey, text, "text/plain", metadata));
            }
            retry.run("move s3://" + bucket + "/" + key + " to " + errorKey,
                    () -> store.move(bucket, object, errorKey, ObjectMetadata.status(FileStatus.FAILED)));
            String error = shorten(outcome.error());
            retry.run("mark file " + id + " Failed", () -> rows.finish(id, FileStatus.FAILED, errorKey, error));
            LOG.info("pipeline {} file {}: failed, moved to s3://{}/{}: {}", contract.pipeline(), id, bucket, errorKey,
                    error);
            return RunnerExitCodes.PROCESSOR_FAILED;
        }

        /**
         * The file is still in processing, but an earlier attempt may have been stopped between the copy and the
         * delete of its final move: a copy in archive (or in error, beside its error log) is that attempt's outcome,
         * so the move is finished instead of processing the file again. Empty when there is no such copy. Costs two
         * stats, on retried attempts only.
         */
        private Optional<Integer> finishInterruptedMove() {
            String key = contract.processingKey();
            Optional<String> archiveKey = layout.archiveKey(contract.fileId(), contract.originalName());
            if (archiveKey.isPresent() && exists(archiveKey.get())) {
                log("an earlier attempt had copied the file to s3://{}/{}; finishing its move", bucket,
                        archiveKey.get());
                retry.run("delete s3://" + bucket + "/" + key, () -> store.delete(bucket, key));
                retry.run("mark file " + id + " Complete",
                        () -> rows.finish(id, FileStatus.COMPLETE, archiveKey.get(), null));
                return Optional.of(RunnerExitCodes.PROCESSED);
            }
            String errorKey = layout.errorKey(contract.fileId(), contract.originalName());
            if (exists(errorKey)) {
                log("an earlier attempt had copied the file to s3://{}/{}; finishing its move", bucket, errorKey);
                retry.run("delete s3://" + bucket + "/" + key, () -> store.delete(bucket, key));
                retry.run("mark file " + id + " Failed", () -> rows.finish(id, FileStatus.FAILED, errorKey,
                        EARLIER_FAILURE));
                return Optional.of(RunnerExitCodes.PROCESSOR_FAILED);
            }
            return Optional.empty();
        }

        /** The processing object is gone: an earlier attempt finished (or the operator moved it). */
        private int resumeFinished(FileStatusRecord row) {
            Optional<String> archiveKey = layout.archiveKey(contract.fileId(), contract.originalName());
            if (archiveKey.isPresent() && exists(archiveKey.get())) {
                if (!row.status().isFinal()) {
                    retry.run("mark file " + id + " Complete",
                            () -> rows.finish(id, FileStatus.COMPLETE, archiveKey.get(), null));
                }
                log("already processed, in s3://{}/{}; nothing to do", bucket, archiveKey.get());
                return RunnerExitCodes.PROCESSED;
            }
            String errorKey = layout.errorKey(contract.fileId(), contract.originalName());
            if (exists(errorKey)) {
                if (!row.status().isFinal()) {
                    retry.run("mark file " + id + " Failed", () -> rows.finish(id, FileStatus.FAILED, errorKey,
                            EARLIER_FAILURE));
                }
                log("already failed, in s3://{}/{}; nothing to do", bucket, errorKey);
                return RunnerExitCodes.PROCESSOR_FAILED;
            }
            String canceledKey = layout.canceledKey(contract.fileId(), contract.originalName());
            if (exists(canceledKey)) {
                log("canceled, in s3://{}/{}; nothing to do", bucket, canceledKey);
                return RunnerExitCodes.PROCESSED;
            }
            if (archiveKey.isEmpty() && row.status() == FileStatus.COMPLETE) {
                log("already processed (no archive folder: the file was deleted); nothing to do");
                return RunnerExitCodes.PROCESSED;
            }
            throw new InfrastructureException("s3://" + bucket + "/" + contract.processingKey()
                    + " does not exist, and the file is in none of archive, error, canceled");
        }

        private static <T> T join(CompletableFuture<T> future) {
            try {
                return future.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }

        private boolean exists(String key) {
            return retry.call("stat s3://" + bucket + "/" + key, () -> store.exists(bucket, key));
        }

        /** The object's user metadata with the product's keys in their documented spelling. */
        private Map<String, String> processorMetadata(ObjectInfo object) {
            var metadata = new LinkedHashMap<String, String>();
            object.userMetadata().forEach(metadata::put);
            for (String name : List.of(ObjectMetadata.ID, ObjectMetadata.ORIGINAL_FILENAME, ObjectMetadata.STATUS)) {
                object.metadata(name).ifPresent(value -> {
                    metadata.remove(name.toLowerCase(Locale.ROOT));
                    metadata.put(name, value);
                });
            }
            metadata.put(ObjectMetadata.STATUS, FileStatus.PROCESSING.value());
            return metadata;
        }

        private void log(String message, Object... arguments) {
            if (LOG.isInfoEnabled()) {
                Object[] all = new Object[arguments.length + 2];
                all[0] = contract.pipeline();
                all[1] = contract.fileId();
                System.arraycopy(arguments, 0, all, 2, arguments.length);
                LOG.info("pipeline {} file {}: " + message, all);
            }
        }

        private String shorten(String error) {
            String text = error == null ? "processor failed" : error;
            return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "...";
        }
    }
}

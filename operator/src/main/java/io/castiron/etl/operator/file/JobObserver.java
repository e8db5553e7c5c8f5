package io.castiron.etl.operator.file;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.operator.Times;
import io.castiron.etl.operator.config.OperatorConfig;
import io.castiron.etl.operator.pipeline.EtlPipelineReconciler;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Follows a file's Job and sets its phase: Running, Succeeded, Failed (finalizing the file when needed). A file's
 * stage is only changed here once no pod of its Job can still move it: a failed Job's pods may still be terminating,
 * and a Job deleted by hand leaves its pods to the garbage collector.
 */
@ApplicationScoped
public class JobObserver {
    private static final Logger LOG = Logger.getLogger(JobObserver.class);
    /** Job failure reason when the podFailurePolicy matched (runner exit code 3: the file is already in error). */
    static final String POD_FAILURE_POLICY = "PodFailurePolicy";
    /** Reason of the Running phase: the file has its Job. */
    static final String JOB_RUNNING = "JobRunning";
    /** Reason of a file whose runner did not start in time, while its Job is being deleted, and once it failed. */
    static final String START_TIMEOUT = "StartTimeout";
    /** Reason of a Queued file whose Job the API server refused, until it is finalized, and once it failed. */
    public static final String JOB_REFUSED = "JobRefused";
    /** How often a Job whose runner has not started is looked at (its pods' waiting reasons) until its timeout. */
    private static final Duration LOOK_AT_LATE_JOBS = Duration.ofSeconds(30);
    /** The message of a file its processor failed: the runner moved it to error and wrote its log. */
    static final String PROCESSOR_FAILED = "The processor failed; see the error log beside the file";
    /** How soon to look again while pods that may still move the file are stopping. */
    private static final Duration WHILE_PODS_STOP = Duration.ofSeconds(2);

    @Inject
    FileStatusWriter writer;

    @Inject
    FileLocator locator;

    @Inject
    FailureFinalizer finalizer;

    @Inject
    OperatorConfig config;

    @Inject
    StartProblems startProblems;

    /** The phase a file is in after a look at its Job, and when to look again though no event comes (or never). */
    public record Observation(FilePhase phase, Optional<Duration> lookAgainIn) {
        static Observation of(FilePhase phase) {
            return new Observation(phase, Optional.empty());
        }

        static Observation lookAgain(FilePhase phase, Duration in) {
            return new Observation(phase, Optional.of(in));
        }
    }

    public Observation observe(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, StageLayout layout,
            Job job) {
        FilePhase phase = FileStatusWriter.phaseOf(file);
        if (job == null) {
            if (phase == FilePhase.Queued && JOB_REFUSED.equals(file.getStatus().getReason())) {
                return Observation.of(refused(context, file, layout, file.getStatus().getMessage()));
            }
            return phase == FilePhase.Running ? jobVanished(context, file, layout) : Observation.of(phase);
        }
        int attempts = Jobs.attempts(job);
        String started = job.getStatus() != null && job.getStatus().getStartTime() != null
                ? job.getStatus().getStartTime() : null;
        if (Jobs.succeeded(job)) {
            return Observation.of(Jobs.isBatch(job) ? batchEnded(context, file, layout, attempts)
                    : succeeded(context, file, layout, attempts));
        }
        if (Jobs.failed(job).isPresent()) {
            return failed(context, file, layout, job, Jobs.failed(job).get(), attempts);
        }
        if (Jobs.isBatch(job) && file.getStatus().getRunnerOutcome() != null) {
            Optional<FilePhase> done = doneInBatch(context, file, layout, attempts);
            if (done.isPresent()) {
                return Observation.of(done.get());
            }
        }
        if (job.getMetadata().getDeletionTimestamp() != null) {
            // being deleted (its runner did not start in time, or by hand): its deletion is the next event
            if (!runnerStarted(job) && !START_TIMEOUT.equals(file.getStatus().getReason())
                    && Duration.between(created(job), Instant.now()).compareTo(startTimeout(pipeline)) >= 0) {
                // a batch's other file deleted the Job for the start timeout: this file ends in error too
                writer.note(context, file, START_TIMEOUT, "The runner of Job " + job.getMetadata().getName()
                        + " did not start within " + startTimeout(pipeline).toSeconds() + " s");
            }
            return Observation.of(phase);
        }
        if (phase != FilePhase.Running || attempts != value(file.getStatus().getAttempts())) {
            writer.transition(context, file, FilePhase.Running, JOB_RUNNING, batchPlace(job, file),
                    s -> running(s, job.getMetadata().getName(), attempts, started != null ? started : Times.now()));
        }
        String pipelineKey = EtlPipelineReconciler.pipelineKey(file.getMetadata().getNamespace(),
                file.getSpec().getPipeline());
        if (runnerStarted(job)) {
            startProblems.started(pipelineKey);
            return Observation.of(FilePhase.Running);
        }
        return notStartedYet(context, file, pipeline, job, pipelineKey);
    }

    /** Where the file is in its Job's batch, e.g. "File 3 of 10 in the batch of Job x"; null for a Job of its own. */
    static String batchPlace(Job job, EtlFile file) {
        if (!Jobs.isBatch(job)) {
            return null;
        }
        var files = Jobs.files(job);
        return "File " + (files.indexOf(file.getMetadata().getName()) + 1) + " of " + files.size()
                + " in the batch of Job " + job.getMetadata().getName();
    }

    /** The status of a file that has its Job: which one, the attempt it is on, since when (kept once set). */
    static void running(EtlFileStatus s, String jobName, int attempts, String startTime) {
        s.setJobName(jobName);
        s.setAttempts(attempts);
        if (s.getStartTime() == null) {
            s.setStartTime(startTime);
        }
    }

    /** A runner has started once a pod of its Job was ready, or ended (which the Job then handles). */
    static boolean runnerStarted(Job job) {
        var s = job.getStatus();
        return s != null && (value(s.getReady()) > 0 || value(s.getSucceeded()) > 0 || value(s.getFailed()) > 0);
    }

    /**
     * A Job whose pods never start stays active for ever (an image not pulled, its Secret or ServiceAccount missing,
     * a quota or Pod Security refusing its pods, nowhere to schedule). Every 30 s its pods' waiting reasons go to
     * the file's message and the pipeline's conditions; past the start timeout the Job is deleted, and once it is
     * gone (with its pods) the file ends in error.
     */
    private Observation notStartedYet(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, Job job,
            String pipelineKey) {
        Duration timeout = startTimeout(pipeline);
        Duration waited = Duration.between(created(job), Instant.now());
        if (waited.compareTo(LOOK_AT_LATE_JOBS) < 0 && waited.compareTo(timeout) < 0) {
            return Observation.lookAgain(FilePhase.Running, min(LOOK_AT_LATE_JOBS, timeout).minus(waited));
        }
        Optional<String> holdUp = RunnerPods.holdUp(context.getClient(), job);
        if (waited.compareTo(timeout) >= 0) {
            String why = "The runner of Job " + job.getMetadata().getName() + " did not start within "
                    + timeout.toSeconds() + " s" + holdUp.map(h -> ": " + h).orElse(" (no reason reported)");
            LOG.warnf("pipeline %s: file %s: %s; deleting the Job", pipelineKey, file.getStatus().getFileId(), why);
            holdUp.ifPresent(h -> startProblems.report(pipelineKey, why));
            writer.note(context, file, START_TIMEOUT, why);
            context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            return Observation.of(FilePhase.Running);
        }
        holdUp.ifPresent(h -> {
            String waiting = "Waiting for the runner of Job " + job.getMetadata().getName() + " to start: " + h;
            startProblems.report(pipelineKey, waiting);
            writer.note(context, file, JOB_RUNNING, waiting);
        });
        return Observation.lookAgain(FilePhase.Running, min(LOOK_AT_LATE_JOBS, timeout.minus(waited)));
    }

    /** When the Job was created (now, when the cache does not say yet). */
    private static Instant created(Job job) {
        Instant created = Times.parse(job.getMetadata().getCreationTimestamp());
        return created == null ? Instant.now() : created;
    }

    private Duration startTimeout(EtlPipeline pipeline) {
        var runner = pipeline == null ? null : pipeline.getSpec().getRunner();
        return runner != null && runner.getStartTimeoutSeconds() != null
                ? Duration.ofSeconds(runner.getStartTimeoutSeconds()) : config.runner().startTimeout();
    }

    private FilePhase succeeded(Context<EtlFile> context, EtlFile file, StageLayout layout, int attempts) {
        var where = locator.locateAfterSuccess(file, layout);
        writer.transition(context, file, FilePhase.Succeeded, "Processed", null, s -> {
            s.setAttempts(attempts);
            if (where.key() != null) {
                s.setCurrentKey(where.key());
            }
        });
        return FilePhase.Succeeded;
    }

    /**
     * A batch's runner is done with this file ({@code status.runnerOutcome}) while it goes on with the others: the
     * file's outcome is where the runner moved it. Empty while it is not found there (the Job's end decides then).
     */
    private Optional<FilePhase> doneInBatch(Context<EtlFile> context, EtlFile file, StageLayout layout,
            int attempts) {
        var where = locator.locate(file, layout);
        return switch (where.stage()) {
            case ARCHIVE -> Optional.of(processed(context, file, where.key(), attempts));
            case ERROR -> Optional.of(processorFailed(context, file, where.key(), attempts));
            case NOWHERE -> layout.archiveDir().isEmpty()
                    ? Optional.of(processed(context, file, null, attempts)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    /**
     * A batch's Job succeeded: its runner reached an outcome for each of its files (a processor failure is one), or
     * left a file canceled before its turn (which the cancel finishes). The file is where that outcome put it.
     */
    private FilePhase batchEnded(Context<EtlFile> context, EtlFile file, StageLayout layout, int attempts) {
        var where = locator.locate(file, layout);
        return switch (where.stage()) {
            case ARCHIVE -> processed(context, file, where.key(), attempts);
            case ERROR -> processorFailed(context, file, where.key(), attempts);
            case NOWHERE -> layout.archiveDir().isEmpty() ? processed(context, file, null, attempts)
                    : writer.transition(context, file, FilePhase.Failed, "FileMissing",
                            "The batch ended and the file is in no stage folder", s -> s.setAttempts(attempts))
                            .getStatus().getPhase();
            default -> finalizeFailure(context, file, layout, where.key(), "NotProcessed", "The batch of Job "
                    + file.getStatus().getJobName() + " ended without processing this file", attempts);
        };
    }

    private FilePhase processed(Context<EtlFile> context, EtlFile file, String key, int attempts) {
        writer.transition(context, file, FilePhase.Succeeded, "Processed", null, s -> {
            s.setAttempts(attempts);
            if (key != null) {
                s.setCurrentKey(key);
            }
        });
        return FilePhase.Succeeded;
    }

    private FilePhase processorFailed(Context<EtlFile> context, EtlFile file, String key, int attempts) {
        writer.transition(context, file, FilePhase.Failed, "ProcessorFailed", PROCESSOR_FAILED, s -> {
            s.setAttempts(attempts);
            s.setCurrentKey(key);
        });
        return FilePhase.Failed;
    }

    private Observation failed(Context<EtlFile> context, EtlFile file, StageLayout layout, Job job,
            JobCondition condition, int attempts) {
        // A Job can be Failed (past its deadline) while its pod still terminates, and its runner may be archiving.
        if (value(job.getStatus().getTerminating()) > 0 || !RunnerPods.notEnded(context.getClient(),
                job.getMetadata().getNamespace(), job.getMetadata().getName()).isEmpty()) {
            writer.note(context, file, "JobFailed", "Job " + job.getMetadata().getName() + " failed ("
                    + condition.getReason() + "); waiting for its pod to stop before the file is finalized");
            return Observation.lookAgain(FileStatusWriter.phaseOf(file), WHILE_PODS_STOP);
        }
        var where = locator.locateSettled(file, layout);
        String why = "Job " + file.getMetadata().getName() + " failed (" + condition.getReason() + "): "
                + condition.getMessage();
        switch (where.stage()) {
            case ARCHIVE -> {
                finalizer.recordUnlessRecorded(file, FileStatus.COMPLETE, where.key(), null);
                writer.transition(context, file, FilePhase.Succeeded, "Processed",
                        "The file was archived before the Job failed: " + why, s -> {
                            s.setAttempts(attempts);
                            s.setCurrentKey(where.key());
                        });
                return Observation.of(FilePhase.Succeeded);
            }
            case PROCESSING, INBOX -> {
                return Observation.of(finalizeFailure(context, file, layout, where.key(), condition.getReason(), why,
                        attempts));
            }
            case ERROR -> {
                if (POD_FAILURE_POLICY.equals(condition.getReason()) || Jobs.isBatch(job)) {
                    // Runner exit code 3, or a batch's runner that went on after this file: it moved the file to
                    // error and recorded the failure itself, unless it was stopped in between.
                    finalizer.recordUnlessRecorded(file, FileStatus.FAILED, where.key(), PROCESSOR_FAILED);
                    return Observation.of(processorFailed(context, file, where.key(), attempts));
                }
                // An earlier finalization stopped half-way: finish it.
                return Observation.of(finalizeFailure(context, file, layout, where.key(), condition.getReason(), why,
                        attempts));
            }
            default -> {
                String missing = why + "; the file is in no stage folder";
                finalizer.recordUnlessRecorded(file, FileStatus.FAILED, null, missing);
                writer.transition(context, file, FilePhase.Failed, condition.getReason(), missing,
                        s -> s.setAttempts(attempts));
                return Observation.of(FilePhase.Failed);
            }
        }
    }

    private FilePhase finalizeFailure(Context<EtlFile> context, EtlFile file, StageLayout layout, String fromKey,
            String reason, String why, Integer attempts) {
        String errorKey = finalizer.fail(file, layout, fromKey, why);
        writer.transition(context, file, FilePhase.Failed, reason, why, s -> {
            if (attempts != null) {
                s.setAttempts(attempts);
            }
            s.setCurrentKey(errorKey);
        });
        return FilePhase.Failed;
    }

    /**
     * The API server refused the file's Job (an invalid spec: the same Job would be refused again): the file, staged
     * already, ends in error with the server's message.
     */
    public FilePhase refused(Context<EtlFile> context, EtlFile file, StageLayout layout, String why) {
        var where = locator.locate(file, layout);
        if (where.stage() == FileLocator.Stage.NOWHERE || where.stage() == FileLocator.Stage.ARCHIVE
                || where.stage() == FileLocator.Stage.CANCELED) {
            return writer.transition(context, file, FilePhase.Failed, JOB_REFUSED, why, null).getStatus().getPhase();
        }
        return finalizeFailure(context, file, layout, where.key(), JOB_REFUSED, why, null);
    }

    /**
     * Running, but the Job is gone: deleted by the start timeout, or by hand. Its pods may outlive it (the garbage
     * collector deletes them after it, and they stop within their grace period), so nothing is decided until none is
     * left: never two runners for one file. Then a timed-out file ends in error, and any other is taken from where
     * its runner left it (queued again if it is still in processing).
     */
    private Observation jobVanished(Context<EtlFile> context, EtlFile file, StageLayout layout) {
        String jobName = file.getStatus().getJobName() != null ? file.getStatus().getJobName()
                : file.getMetadata().getName();
        if (!RunnerPods.notEnded(context.getClient(), file.getMetadata().getNamespace(), jobName).isEmpty()) {
            if (!START_TIMEOUT.equals(file.getStatus().getReason())) {
                writer.note(context, file, "JobDeleted", "Job " + jobName
                        + " was deleted; waiting for its pod to stop before the file goes on");
            }
            return Observation.lookAgain(FilePhase.Running, WHILE_PODS_STOP);
        }
        var where = locator.locateSettled(file, layout);
        if (START_TIMEOUT.equals(file.getStatus().getReason()) && where.stage() != FileLocator.Stage.ARCHIVE
                && where.stage() != FileLocator.Stage.NOWHERE) {
            return Observation.of(finalizeFailure(context, file, layout, where.key(), START_TIMEOUT,
                    file.getStatus().getMessage(), null));
        }
        FilePhase after = switch (where.stage()) {
            case PROCESSING -> writer.transition(context, file, FilePhase.Queued, "JobDeleted",
                    "The Job disappeared before it finished; the file waits for a new one", null).getStatus().getPhase();
            case ARCHIVE -> {
                finalizer.recordUnlessRecorded(file, FileStatus.COMPLETE, where.key(), null);
                yield writer.transition(context, file, FilePhase.Succeeded, "Processed", null,
                        s -> s.setCurrentKey(where.key())).getStatus().getPhase();
            }
            case ERROR -> {
                finalizer.recordUnlessRecorded(file, FileStatus.FAILED, where.key(), PROCESSOR_FAILED);
                yield writer.transition(context, file, FilePhase.Failed, "ProcessorFailed", PROCESSOR_FAILED,
                        s -> s.setCurrentKey(where.key())).getStatus().getPhase();
            }
            default -> {
                String missing = "The Job disappeared and the file is in no stage folder";
                if (where.stage() == FileLocator.Stage.NOWHERE) {
                    finalizer.recordUnlessRecorded(file, FileStatus.FAILED, null, missing);
                }
                yield writer.transition(context, file, FilePhase.Failed, "FileMissing", missing, null).getStatus()
                        .getPhase();
            }
        };
        return Observation.of(after);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static int value(Integer i) {
        return i == null ? 0 : i;
    }
}

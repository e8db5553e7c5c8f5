package io.castiron.etl.operator.file;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.operator.Times;
import io.castiron.etl.stage.StageLayout;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** Follows a file's Job and sets its phase: Running, Succeeded, Failed (finalizing the file when needed). */
@ApplicationScoped
public class JobObserver {
    /** Job failure reason when the podFailurePolicy matched (runner exit code 3: the file is already in error). */
    static final String POD_FAILURE_POLICY = "PodFailurePolicy";
    /** Reason of the Running phase: the file has its Job. */
    static final String JOB_RUNNING = "JobRunning";

    @Inject
    FileStatusWriter writer;

    @Inject
    FileLocator locator;

    @Inject
    FailureFinalizer finalizer;

    /** @return the phase the file is in afterwards */
    public FilePhase observe(Context<EtlFile> context, EtlFile file, StageLayout layout, Job job) {
        FilePhase phase = FileStatusWriter.phaseOf(file);
        if (job == null) {
            return phase == FilePhase.Running ? jobVanished(context, file, layout) : phase;
        }
        int attempts = Jobs.attempts(job);
        String started = job.getStatus() != null && job.getStatus().getStartTime() != null
                ? job.getStatus().getStartTime() : null;
        if (Jobs.succeeded(job)) {
            return succeeded(context, file, layout, attempts);
        }
        if (Jobs.failed(job).isPresent()) {
            return failed(context, file, layout, Jobs.failed(job).get(), attempts);
        }
        if (phase != FilePhase.Running || attempts != value(file.getStatus().getAttempts())) {
            writer.transition(context, file, FilePhase.Running, JOB_RUNNING, null,
                    s -> running(s, job.getMetadata().getName(), attempts, started != null ? started : Times.now()));
        }
        return FilePhase.Running;
    }

    /** The status of a file that has its Job: which one, the attempt it is on, since when (kept once set). */
    static void running(EtlFileStatus s, String jobName, int attempts, String startTime) {
        s.setJobName(jobName);
        s.setAttempts(attempts);
        if (s.getStartTime() == null) {
            s.setStartTime(startTime);
        }
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

    private FilePhase failed(Context<EtlFile> context, EtlFile file, StageLayout layout, JobCondition condition,
            int attempts) {
        var where = locator.locate(file, layout);
        String why = "Job " + file.getMetadata().getName() + " failed (" + condition.getReason() + "): "
                + condition.getMessage();
        switch (where.stage()) {
            case ARCHIVE -> {
                writer.transition(context, file, FilePhase.Succeeded, "Processed",
                        "The file was archived before the Job failed: " + why, s -> {
                            s.setAttempts(attempts);
                            s.setCurrentKey(where.key());
                        });
                return FilePhase.Succeeded;
            }
            case PROCESSING, INBOX -> {
                return finalizeFailure(context, file, layout, where.key(), condition.getReason(), why, attempts);
            }
            case ERROR -> {
                if (POD_FAILURE_POLICY.equals(condition.getReason())) {
                    // Runner exit code 3: it moved the file to error and recorded the failure itself.
                    writer.transition(context, file, FilePhase.Failed, "ProcessorFailed",
                            "The processor failed; see the error log beside the file", s -> {
                                s.setAttempts(attempts);
                                s.setCurrentKey(where.key());
                            });
                    return FilePhase.Failed;
                }
                // An earlier finalization stopped half-way: finish it.
                return finalizeFailure(context, file, layout, where.key(), condition.getReason(), why, attempts);
            }
            default -> {
                writer.transition(context, file, FilePhase.Failed, condition.getReason(),
                        why + "; the file is in no stage folder", s -> s.setAttempts(attempts));
                return FilePhase.Failed;
            }
        }
    }

    private FilePhase finalizeFailure(Context<EtlFile> context, EtlFile file, StageLayout layout, String fromKey,
            String reason, String why, int attempts) {
        String errorKey = finalizer.fail(file, layout, fromKey, why);
        writer.transition(context, file, FilePhase.Failed, reason, why, s -> {
            s.setAttempts(attempts);
            s.setCurrentKey(errorKey);
        });
        return FilePhase.Failed;
    }

    /** Running, but the Job is gone (deleted by hand): queue the file again if it is still in processing. */
    private FilePhase jobVanished(Context<EtlFile> context, EtlFile file, StageLayout layout) {
        var where = locator.locate(file, layout);
        return switch (where.stage()) {
            case PROCESSING -> writer.transition(context, file, FilePhase.Queued, "JobDeleted",
                    "The Job disappeared before it finished; the file waits for a new one", null).getStatus().getPhase();
            case ARCHIVE -> writer.transition(context, file, FilePhase.Succeeded, "Processed", null,
                    s -> s.setCurrentKey(where.key())).getStatus().getPhase();
            case ERROR -> writer.transition(context, file, FilePhase.Failed, "ProcessorFailed",
                    "The processor failed; see the error log beside the file", s -> s.setCurrentKey(where.key()))
                    .getStatus().getPhase();
            default -> writer.transition(context, file, FilePhase.Failed, "FileMissing",
                    "The Job disappeared and the file is in no stage folder", null).getStatus().getPhase();
        };
    }

    private static int value(Integer i) {
        return i == null ? 0 : i;
    }
}

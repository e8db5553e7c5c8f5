package io.castiron.etl.operator.file;

import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.events.Event;
import io.castiron.etl.operator.Times;
import io.castiron.etl.operator.configbucket.ConfigBucketSync;
import io.castiron.etl.operator.pipeline.Admission;
import io.castiron.etl.operator.pipeline.JobRefusedException;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectInfo;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Pending -> Queued, or straight to Running: move inbox -> processing as {@code <fileId>-<name>}, adding the
 * product's metadata to the uploader's,
 * insert the row (Queued) and with it {@code job_created}, then ask {@link Admission} for a Job at once (a free slot
 * and nobody waiting) or queue. The file id is the EtlFile's uid, so a retry after a crash anywhere in between
 * computes the same keys and every step is idempotent (the move, the insert and its message, the Job).
 * {@code job_created} is in the outbox before the Job exists, so it goes out before any message of the Job's runner.
 */
@ApplicationScoped
public class Stager {
    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    @Inject
    FileStatusWriter writer;

    @Inject
    Admission admission;

    @Inject
    JobObserver observer;

    /** Test hook for crash tests: runs between the move and the row insert. */
    private volatile Runnable afterMoveHook = () -> {
    };

    /** Test hook for crash tests: runs between the Job's creation at staging and the status write that records it. */
    private volatile Consumer<EtlFile> afterLaunchHook = file -> {
    };

    void setAfterMoveHook(Runnable hook) {
        afterMoveHook = hook;
    }

    void setAfterLaunchHook(Consumer<EtlFile> hook) {
        afterLaunchHook = hook;
    }

    /**
     * @param job       the file's Job, if it has one already
     * @param jobSource the file controller's Jobs, which cache a Job created here
     * @return the phase the file is in afterwards
     */
    public JobObserver.Observation stage(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, StageLayout layout, Job job,
            InformerEventSource<Job, EtlFile> jobSource) {
        String fileId = file.getMetadata().getUid();
        String bucket = layout.bucket();
        String name = file.getSpec().getOriginalName();
        String inboxKey = file.getSpec().getInboxKey();
        String processingKey = layout.processingKey(fileId, name);
        if (job != null) {
            // Staged and launched before the operator stopped, but not yet recorded as such: its Job says how it went.
            EtlFile staged = writer.transition(context, file, FilePhase.Queued, "Staged", null, s -> {
                staged(s, fileId, processingKey, Times.now());
                s.setJobName(job.getMetadata().getName());
            });
            return observer.observe(context, staged, pipeline, layout, job);
        }

        ObjectInfo object = store.stat(bucket, inboxKey).orElse(null);
        if (object != null) {
            store.move(bucket, object, processingKey, ObjectMetadata.withPipeline(
                    ObjectMetadata.of(fileId, name, FileStatus.QUEUED), file.getMetadata().getNamespace(),
                    pipeline.getMetadata().getName()));
        } else {
            object = store.stat(bucket, processingKey).orElse(null);
            if (object == null) {
                writer.transition(context, file, FilePhase.Failed, "FileMissing", "s3://" + bucket + "/" + inboxKey
                        + " was removed from the inbox before it could be staged", s -> s.setFileId(fileId));
                return JobObserver.Observation.of(FilePhase.Failed);
            }
        }
        afterMoveHook.run();
        statusStore.insert(FileStatusRecord.builder(UUID.fromString(fileId), bucket, processingKey, name)
                .status(FileStatus.QUEUED)
                .eventName("s3:ObjectCreated")
                .size(object.size())
                .contentType(object.contentType())
                .minioMetadata(ObjectMetadata.of(fileId, name, FileStatus.QUEUED))
                .userDn(object.metadata(ObjectMetadata.OWNER_DN).orElse(null))
                .pipeline(file.getMetadata().getNamespace(), pipeline.getMetadata().getName())
                .build(),
                Event.jobCreated(fileId, StageLayout.stagedName(fileId, name), ConfigBucketSync.handlerName(pipeline)));
        Admission.Staged staged;
        try {
            staged = admission.launchAtStaging(pipeline, file, fileId, processingKey, context, jobSource);
        } catch (JobRefusedException e) {
            EtlFile recorded = writer.transition(context, file, FilePhase.Queued, "Staged", null,
                    s -> staged(s, fileId, processingKey, Times.now()));
            return JobObserver.Observation.of(observer.refused(context, recorded, layout, e.getMessage()));
        }
        String queuedTime = staged.queuedTime();
        if (staged.launched()) {
            afterLaunchHook.accept(file);
            writer.transition(context, file, FilePhase.Running, JobObserver.JOB_RUNNING, null, s -> {
                staged(s, fileId, processingKey, queuedTime);
                JobObserver.running(s, staged.jobName(), 1, queuedTime);
            });
            return JobObserver.Observation.of(FilePhase.Running);
        }
        writer.transition(context, file, FilePhase.Queued, "Staged", null,
                s -> staged(s, fileId, processingKey, queuedTime));
        return JobObserver.Observation.of(FilePhase.Queued);
    }

    private static void staged(EtlFileStatus s, String fileId, String processingKey, String queuedTime) {
        s.setFileId(fileId);
        s.setCurrentKey(processingKey);
        s.setQueuedTime(queuedTime);
        s.setAttempts(0);
    }
}

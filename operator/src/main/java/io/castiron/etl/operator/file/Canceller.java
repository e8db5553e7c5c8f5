package io.castiron.etl.operator.file;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * {@code spec.cancel} or the cancel annotation: delete the Job and wait until it (and so its pod) is gone, so the
 * runner cannot move the file meanwhile; then move the file to canceled, row Canceled and with it the Kafka
 * {@code canceled}. A file that finished before the cancel took effect keeps its outcome. A file of a batch that its
 * runner has not started yet is taken out of the batch instead (its row marked Canceled first, which its runner then
 * skips), and the batch goes on; one the runner is processing stops the batch like a Job of its own, and the batch's
 * files not yet processed wait for a new Job.
 */
@ApplicationScoped
public class Canceller {
    private static final Logger LOG = Logger.getLogger(Canceller.class);

    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    @Inject
    FileLocator locator;

    @Inject
    FailureFinalizer finalizer;

    @Inject
    FileStatusWriter writer;

    /** @return true when cancellation is complete (or the file already finished) */
    public boolean cancel(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, StageLayout layout, Job job) {
        if (job != null && Jobs.isBatch(job) && Jobs.isActive(job)) {
            switch (inBatch(file)) {
                case NOT_STARTED -> {
                    LOG.infof("pipeline %s/%s: file %s canceled before its turn in the batch of Job %s",
                            file.getMetadata().getNamespace(), file.getSpec().getPipeline(),
                            file.getMetadata().getUid(), job.getMetadata().getName());
                    return finish(context, file, pipeline, layout);
                }
                case FINISHING -> {
                    // the runner is moving it to its outcome: its runnerOutcome patch wakes this file again
                    return false;
                }
                case FINISHED -> {
                    return finish(context, file, pipeline, layout);
                }
                default -> {
                    // the runner is processing it: stop the batch
                }
            }
        }
        if (job != null) {
            if (job.getMetadata().getDeletionTimestamp() == null) {
                LOG.infof("pipeline %s/%s: file %s cancel requested; deleting Job %s",
                        file.getMetadata().getNamespace(), file.getSpec().getPipeline(), file.getMetadata().getUid(),
                        job.getMetadata().getName());
                context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            }
            return false;
        }
        return finish(context, file, pipeline, layout);
    }

    private enum InBatch {
        NOT_STARTED, PROCESSING, FINISHING, FINISHED
    }

    /**
     * Where a batch's runner is with the file. Not started: its row is now Canceled, and the runner, which marks a
     * row Processing only when it is not Canceled, will skip it. Finished: the runner told the EtlFile it is done.
     */
    private InBatch inBatch(EtlFile file) {
        UUID id = UUID.fromString(file.getMetadata().getUid());
        if (statusStore.cancelUnlessStarted(id)) {
            return InBatch.NOT_STARTED;
        }
        if (file.getStatus().getRunnerOutcome() != null) {
            return InBatch.FINISHED;
        }
        return statusStore.findById(id).map(r -> r.status().isFinal()).orElse(false)
                ? InBatch.FINISHING : InBatch.PROCESSING;
    }

    /** No runner can move the file any more: it ends canceled, or keeps the outcome it reached first. */
    private boolean finish(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, StageLayout layout) {
        String id = file.getMetadata().getUid();
        String name = file.getSpec().getOriginalName();
        // the Job and its pods are gone: a move its runner began is finished, never doubled by the cancel
        var where = locator.locateSettled(file, layout);
        switch (where.stage()) {
            case ARCHIVE -> {
                finalizer.recordUnlessRecorded(file, FileStatus.COMPLETE, where.key(), null);
                writer.transition(context, file, FilePhase.Succeeded, "Processed",
                        "Processing had finished before the cancel", s -> s.setCurrentKey(where.key()));
            }
            case ERROR -> {
                finalizer.recordUnlessRecorded(file, FileStatus.FAILED, where.key(), JobObserver.PROCESSOR_FAILED);
                writer.transition(context, file, FilePhase.Failed, "ProcessorFailed",
                        "Processing had failed before the cancel", s -> s.setCurrentKey(where.key()));
            }
            case NOWHERE -> writer.transition(context, file, FilePhase.Canceled, "Canceled",
                    "Canceled; the file was in no stage folder", null);
            default -> {
                String canceledKey = layout.canceledKey(id, name);
                if (where.stage() != FileLocator.Stage.CANCELED) {
                    store.move(layout.bucket(), where.key(), canceledKey,
                            ObjectMetadata.of(id, name, FileStatus.CANCELED));
                }
                statusStore.insert(FileStatusRecord.builder(UUID.fromString(id), layout.bucket(), canceledKey, name)
                        .status(FileStatus.QUEUED)
                        .pipeline(file.getMetadata().getNamespace(), pipeline.getMetadata().getName())
                        .build());
                statusStore.finish(UUID.fromString(id), FileStatus.CANCELED, canceledKey, "Canceled by request");
                writer.transition(context, file, FilePhase.Canceled, "Canceled", "Canceled by request", s -> {
                    s.setFileId(id);
                    s.setCurrentKey(canceledKey);
                });
            }
        }
        return true;
    }
}

package io.castiron.etl.operator.file;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
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
 * {@code canceled}. A file that finished before the cancel took effect keeps its outcome.
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
    FileStatusWriter writer;

    /** @return true when cancellation is complete (or the file already finished) */
    public boolean cancel(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, StageLayout layout, Job job) {
        if (job != null) {
            if (job.getMetadata().getDeletionTimestamp() == null) {
                LOG.infof("pipeline %s/%s: file %s cancel requested; deleting Job %s",
                        file.getMetadata().getNamespace(), file.getSpec().getPipeline(), file.getMetadata().getUid(),
                        job.getMetadata().getName());
                context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
            }
            return false;
        }
        String id = file.getMetadata().getUid();
        String name = file.getSpec().getOriginalName();
        // the Job and its pods are gone: a move its runner began is finished, never doubled by the cancel
        var where = locator.locateSettled(file, layout);
        switch (where.stage()) {
            case ARCHIVE -> writer.transition(context, file, FilePhase.Succeeded, "Processed",
                    "Processing had finished before the cancel", s -> s.setCurrentKey(where.key()));
            case ERROR -> writer.transition(context, file, FilePhase.Failed, "ProcessorFailed",
                    "Processing had failed before the cancel", s -> s.setCurrentKey(where.key()));
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

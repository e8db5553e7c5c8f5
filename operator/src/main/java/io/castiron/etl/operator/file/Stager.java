package io.castiron.etl.operator.file;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.events.EventPublisher;
import io.castiron.etl.operator.Times;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectInfo;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Pending -> Queued: move inbox -> processing as {@code <fileId>-<name>} with metadata, insert the row (Queued),
 * publish {@code job_created}. The file id is the EtlFile's uid, so a retry after a crash anywhere in between
 * computes the same keys and every step is idempotent (the move, the insert; the Kafka message may repeat).
 */
@ApplicationScoped
public class Stager {
    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    @Inject
    EventPublisher publisher;

    @Inject
    FileStatusWriter writer;

    /** Test hook for crash tests: runs between the move and the row insert. */
    private volatile Runnable afterMoveHook = () -> {
    };

    void setAfterMoveHook(Runnable hook) {
        afterMoveHook = hook;
    }

    /** @return the phase the file is in afterwards */
    public FilePhase stage(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline, StageLayout layout) {
        String fileId = file.getMetadata().getUid();
        String bucket = layout.bucket();
        String name = file.getSpec().getOriginalName();
        String inboxKey = file.getSpec().getInboxKey();
        String processingKey = layout.processingKey(fileId, name);

        ObjectInfo object = store.stat(bucket, inboxKey).orElse(null);
        if (object != null) {
            store.move(bucket, object, processingKey, ObjectMetadata.of(fileId, name, FileStatus.QUEUED));
        } else {
            object = store.stat(bucket, processingKey).orElse(null);
            if (object == null) {
                writer.transition(context, file, FilePhase.Failed, "FileMissing", "s3://" + bucket + "/" + inboxKey
                        + " was removed from the inbox before it could be staged", s -> s.setFileId(fileId));
                return FilePhase.Failed;
            }
        }
        afterMoveHook.run();
        statusStore.insert(FileStatusRecord.builder(UUID.fromString(fileId), bucket, processingKey, name)
                .status(FileStatus.QUEUED)
                .eventName("s3:ObjectCreated")
                .size(object.size())
                .contentType(object.contentType())
                .minioMetadata(ObjectMetadata.of(fileId, name, FileStatus.QUEUED))
                .pipeline(file.getMetadata().getNamespace(), pipeline.getMetadata().getName())
                .build());
        publisher.jobCreated(fileId, name, pipeline.getMetadata().getName(), null);
        writer.transition(context, file, FilePhase.Queued, "Staged", null, s -> {
            s.setFileId(fileId);
            s.setCurrentKey(processingKey);
            s.setQueuedTime(Times.now());
            s.setAttempts(0);
        });
        return FilePhase.Queued;
    }
}

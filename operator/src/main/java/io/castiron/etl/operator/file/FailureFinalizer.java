package io.castiron.etl.operator.file;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;

/**
 * When a Job failed and its runner could not finalize (killed, out of memory, past its deadline, image not
 * pulled), the operator does it: file to error, an error log saying why, row Failed and with it the Kafka
 * {@code failure} (unless the row was Failed already).
 */
@ApplicationScoped
public class FailureFinalizer {
    private static final Logger LOG = Logger.getLogger(FailureFinalizer.class);

    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    /**
     * Idempotent, so a retry after a crash half-way resumes: the move is skipped when the file is already in
     * error, the log is written unless it exists.
     *
     * @param fromKey where the file is now (processing, inbox, or already error)
     * @return the file's key in the error folder
     */
    public String fail(EtlFile file, StageLayout layout, String fromKey, String why) {
        String id = file.getMetadata().getUid();
        String name = file.getSpec().getOriginalName();
        String errorKey = layout.errorKey(id, name);
        if (!fromKey.equals(errorKey)) {
            store.move(layout.bucket(), fromKey, errorKey, ObjectMetadata.of(id, name, FileStatus.FAILED));
        }
        String logKey = layout.errorLogKey(id, name);
        if (!store.exists(layout.bucket(), logKey)) {
            String log = "File: " + name + "\nFile id: " + id + "\nPipeline: " + file.getMetadata().getNamespace()
                    + "/" + file.getSpec().getPipeline() + "\nJob: " + file.getMetadata().getName() + "\n\n" + why
                    + "\n";
            store.upload(layout.bucket(), logKey, log.getBytes(StandardCharsets.UTF_8), "text/plain",
                    ObjectMetadata.of(id, name, FileStatus.FAILED));
        }
        statusStore.finish(UUID.fromString(id), FileStatus.FAILED, errorKey, why);
        return errorKey;
    }

    /**
     * Records in the file's row the outcome its place shows, unless the row has one: a runner stopped after its
     * final move and before its row update (killed, its Job deleted or past its deadline, no attempt left) left the
     * row Processing, and with it no status message.
     */
    public void recordUnlessRecorded(EtlFile file, FileStatus status, String key, String error) {
        if (statusStore.finishUnlessFinished(UUID.fromString(file.getMetadata().getUid()), status, key, error)) {
            LOG.infof("file %s/%s: its runner stopped before recording its outcome; recorded %s", file.getMetadata()
                    .getNamespace(), file.getMetadata().getName(), status.value());
        }
    }
}

package io.castiron.etl.operator.file;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;

/** Finds which stage a file is in now: the truth when a Job's outcome and the file's place disagree. */
@ApplicationScoped
public class FileLocator {
    private static final Logger LOG = Logger.getLogger(FileLocator.class);

    public enum Stage {
        INBOX, PROCESSING, ARCHIVE, ERROR, CANCELED, NOWHERE
    }

    public record Location(Stage stage, String key) {
    }

    @Inject
    ObjectStore store;

    @Inject
    StatusStore rows;

    /**
     * Where a succeeded Job left the file. Its runner wrote the archive key into the file's row before it exited
     * 0, so the row answers without an S3 request; a row that says anything else (the file was canceled, had no
     * archive folder, or PostgreSQL is away) leads to asking S3, archive first.
     */
    public Location locateAfterSuccess(EtlFile file, StageLayout layout) {
        String id = file.getMetadata().getUid();
        Optional<String> archive = layout.archiveKey(id, file.getSpec().getOriginalName());
        if (archive.isPresent() && (archivedPerRow(id, archive.get()) || store.exists(layout.bucket(),
                archive.get()))) {
            return new Location(Stage.ARCHIVE, archive.get());
        }
        return locate(file, layout);
    }

    private boolean archivedPerRow(String id, String archiveKey) {
        try {
            return rows.findById(UUID.fromString(id))
                    .filter(r -> r.status() == FileStatus.COMPLETE && archiveKey.equals(r.fileName()))
                    .isPresent();
        } catch (RuntimeException e) {
            LOG.debugf("file %s: cannot read its row (%s); asking the object store where it is", id, e.getMessage());
            return false;
        }
    }

    /** Processing first: a file caught between the copy and the delete of a move counts as not yet moved. */
    public Location locate(EtlFile file, StageLayout layout) {
        String id = file.getMetadata().getUid();
        String name = file.getSpec().getOriginalName();
        String bucket = layout.bucket();
        if (store.exists(bucket, layout.processingKey(id, name))) {
            return new Location(Stage.PROCESSING, layout.processingKey(id, name));
        }
        Optional<String> archive = layout.archiveKey(id, name);
        if (archive.isPresent() && store.exists(bucket, archive.get())) {
            return new Location(Stage.ARCHIVE, archive.get());
        }
        if (store.exists(bucket, layout.errorKey(id, name))) {
            return new Location(Stage.ERROR, layout.errorKey(id, name));
        }
        if (store.exists(bucket, layout.canceledKey(id, name))) {
            return new Location(Stage.CANCELED, layout.canceledKey(id, name));
        }
        if (store.exists(bucket, file.getSpec().getInboxKey())) {
            return new Location(Stage.INBOX, file.getSpec().getInboxKey());
        }
        return new Location(Stage.NOWHERE, null);
    }

    /**
     * Where the file is once no runner can touch it any more (its Job failed or is gone, with its pods): as
     * {@link #locate}, except that a file in processing that also has a copy in archive or error was being moved
     * there by a runner stopped between the copy and the delete. The runner had decided: the processing copy is
     * deleted, so the file is in one stage, and that stage is returned.
     */
    public Location locateSettled(EtlFile file, StageLayout layout) {
        Location where = locate(file, layout);
        if (where.stage() != Stage.PROCESSING) {
            return where;
        }
        String id = file.getMetadata().getUid();
        String name = file.getSpec().getOriginalName();
        Optional<String> archive = layout.archiveKey(id, name);
        Location moved = archive.isPresent() && store.exists(layout.bucket(), archive.get())
                ? new Location(Stage.ARCHIVE, archive.get())
                : store.exists(layout.bucket(), layout.errorKey(id, name))
                        ? new Location(Stage.ERROR, layout.errorKey(id, name)) : null;
        if (moved == null) {
            return where;
        }
        store.delete(layout.bucket(), where.key());
        return moved;
    }
}

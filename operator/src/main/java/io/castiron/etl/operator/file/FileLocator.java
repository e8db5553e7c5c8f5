package io.castiron.etl.operator.file;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.store.ObjectStore;

/** Finds which stage a file is in now: the truth when a Job's outcome and the file's place disagree. */
@ApplicationScoped
public class FileLocator {
    public enum Stage {
        INBOX, PROCESSING, ARCHIVE, ERROR, CANCELED, NOWHERE
    }

    public record Location(Stage stage, String key) {
    }

    @Inject
    ObjectStore store;

    /**
     * Looks where a finished Job left the file: a succeeded Job's runner completed its move, so the archive is
     * asked first (one lookup instead of a miss in processing and then a hit).
     */
    public Location locateAfterSuccess(EtlFile file, StageLayout layout) {
        Optional<String> archive = layout.archiveKey(file.getMetadata().getUid(), file.getSpec().getOriginalName());
        if (archive.isPresent() && store.exists(layout.bucket(), archive.get())) {
            return new Location(Stage.ARCHIVE, archive.get());
        }
        return locate(file, layout);
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
}

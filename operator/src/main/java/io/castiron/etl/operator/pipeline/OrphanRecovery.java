package io.castiron.etl.operator.pipeline;

import java.util.Collection;
import java.util.HashMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.matching.FileMatcher;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectInfo;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.store.ObjectSummary;

/**
 * Once per pipeline and operator start: a file in the processing folder that no EtlFile owns (its EtlFile was
 * deleted by hand, or an older deployment crashed) goes back to the inbox under its original name, and its row is
 * deleted, as the original tool did on start-up; the next scan claims it afresh.
 */
@ApplicationScoped
public class OrphanRecovery {
    private static final Logger LOG = Logger.getLogger(OrphanRecovery.class);
    private static final int UUID_LENGTH = 36;

    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    private final Set<String> done = ConcurrentHashMap.newKeySet();

    /** @param files every EtlFile of the pipeline (the informer cache, synced before the first reconcile) */
    public int recoverOnce(EtlPipeline pipeline, StageLayout layout, Supplier<? extends Collection<EtlFile>> files) {
        String id = EtlPipelineReconciler.pipelineKey(pipeline) + "@" + pipeline.getMetadata().getGeneration();
        if (!done.add(id)) {
            return 0;
        }
        Set<String> owned = files.get().stream().map(f -> f.getMetadata().getUid()).collect(Collectors.toSet());
        int moved = 0;
        for (ObjectSummary object : store.list(layout.bucket(), layout.processingDir())) {
            String name = layout.processingFileName(object.key()).orElse(null);
            if (name == null || FileMatcher.isNeverData(name)) {
                continue;
            }
            ObjectInfo info = store.stat(layout.bucket(), object.key()).orElse(null);
            if (info == null) {
                continue;
            }
            String fileId = info.metadata(ObjectMetadata.ID).orElse(name.length() > UUID_LENGTH
                    ? name.substring(0, UUID_LENGTH) : name);
            if (owned.contains(fileId)) {
                continue;
            }
            String original = info.metadata(ObjectMetadata.ORIGINAL_FILENAME).orElse(
                    name.length() > UUID_LENGTH + 1 ? name.substring(UUID_LENGTH + 1) : name);
            String target = layout.inboxKey(original);
            if (store.exists(layout.bucket(), target)) {
                target = layout.inboxKey(name);
            }
            store.move(layout.bucket(), object.key(), target, new HashMap<>());
            try {
                statusStore.delete(UUID.fromString(fileId));
            } catch (IllegalArgumentException notAUuid) {
                LOG.debugf("%s carries no file id; no row to delete", object.key());
            }
            LOG.infof("pipeline %s: file %s had no EtlFile; moved %s back to %s", id, fileId, object.key(), target);
            moved++;
        }
        return moved;
    }
}

package io.castiron.etl.operator.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
import io.castiron.etl.operator.CachePruning;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectInfo;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.store.ObjectSummary;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Once per pipeline and operator start: a file in the processing folder that no EtlFile owns (its EtlFile was
 * deleted by hand, or an older deployment crashed) goes back to the inbox under its original name, and its row is
 * deleted, as the original tool did on start-up; the next scan claims it afresh.
 *
 * <p>Pipelines that share a folder prefix share the processing folder, so a file is touched only when it is provably
 * this pipeline's (the staged object's own metadata names it, or, for objects staged before that metadata existed,
 * its row does) and provably orphaned: not owned in the informer's view, and then not in a live list of the
 * pipeline's EtlFiles either (the informer may lag behind the other controller's claims).
 */
@ApplicationScoped
public class OrphanRecovery {
    private static final Logger LOG = Logger.getLogger(OrphanRecovery.class);
    private static final int UUID_LENGTH = 36;

    @Inject
    ObjectStore store;

    @Inject
    StatusStore statusStore;

    @Inject
    KubernetesClient client;

    private final Set<String> done = ConcurrentHashMap.newKeySet();

    /** A file in processing that the informer shows no EtlFile for. */
    private record Candidate(ObjectSummary object, String fileId, String name, ObjectInfo info) {
    }

    /** @param files every EtlFile of the pipeline (the informer cache, synced before the first reconcile) */
    public int recoverOnce(EtlPipeline pipeline, StageLayout layout, Supplier<? extends Collection<EtlFile>> files) {
        String id = EtlPipelineReconciler.pipelineKey(pipeline) + "@" + pipeline.getMetadata().getGeneration();
        if (!done.add(id)) {
            return 0;
        }
        Set<String> owned = uids(files.get());
        List<Candidate> candidates = new ArrayList<>();
        int others = 0;
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
            if (!ours(pipeline, info, fileId)) {
                others++;
                continue;
            }
            candidates.add(new Candidate(object, fileId, name, info));
        }
        if (others > 0) {
            LOG.debugf("pipeline %s: %d files in %s are not provably this pipeline's; left alone", id, others,
                    layout.processingDir());
        }
        if (candidates.isEmpty()) {
            return 0;
        }
        Set<String> ownedNow = ownedNow(pipeline);
        int moved = 0;
        for (Candidate c : candidates) {
            if (!ownedNow.contains(c.fileId())) {
                putBack(id, layout, c);
                moved++;
            }
        }
        return moved;
    }

    /**
     * Whether the staged object is this pipeline's: its metadata names the pipeline that staged it; an object staged
     * before that metadata existed counts when its row names this pipeline. Anything else is left alone.
     */
    private boolean ours(EtlPipeline pipeline, ObjectInfo info, String fileId) {
        String self = pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
        Optional<String> stagedBy = info.metadata(ObjectMetadata.PIPELINE);
        if (stagedBy.isPresent()) {
            return stagedBy.get().equals(self);
        }
        try {
            Optional<FileStatusRecord> row = statusStore.findById(UUID.fromString(fileId));
            return row.isPresent() && pipeline.getMetadata().getName().equals(row.get().pipeline())
                    && pipeline.getMetadata().getNamespace().equals(row.get().namespace());
        } catch (IllegalArgumentException notAUuid) {
            return false;
        }
    }

    private void putBack(String pipelineId, StageLayout layout, Candidate c) {
        String original = c.info().metadata(ObjectMetadata.ORIGINAL_FILENAME).orElse(
                c.name().length() > UUID_LENGTH + 1 ? c.name().substring(UUID_LENGTH + 1) : c.name());
        String target = layout.inboxKey(original);
        if (store.exists(layout.bucket(), target)) {
            target = layout.inboxKey(c.name());
        }
        store.move(layout.bucket(), c.object().key(), target, new HashMap<>());
        statusStore.delete(UUID.fromString(c.fileId()));
        LOG.infof("pipeline %s: file %s had no EtlFile; moved %s back to %s", pipelineId, c.fileId(),
                c.object().key(), target);
    }

    /** The uids of the pipeline's EtlFiles as the API server has them, listed a page at a time. */
    private Set<String> ownedNow(EtlPipeline pipeline) {
        var files = client.resources(EtlFile.class).inNamespace(pipeline.getMetadata().getNamespace())
                .withLabels(Labels.ofPipeline(pipeline.getMetadata().getName()));
        Set<String> owned = new HashSet<>();
        String next = null;
        do {
            var page = files.list(new ListOptionsBuilder().withLimit(CachePruning.LIST_PAGE).withContinue(next)
                    .build());
            owned.addAll(uids(page.getItems()));
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return owned;
    }

    private static Set<String> uids(Collection<EtlFile> files) {
        return files.stream().map(f -> f.getMetadata().getUid()).collect(Collectors.toSet());
    }
}

package io.castiron.etl.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * What the operator's informers hold, which with thousands of retained files is most of its heap: every retained
 * file twice (the file controller's and the pipelines' informers) and its Job.
 * <ul>
 * <li>Each informer lists in pages of {@link #LIST_PAGE} objects, so that the first list after a start never holds a
 * whole namespace's Jobs or files in one response (pruning only applies once an object enters the cache).
 * <li>EtlFiles and Jobs are kept without {@code metadata.managedFields} (which writer owns which field): on an
 * EtlFile that the operator and the runner have written, and on its Job, a large share of the object. Nothing reads
 * them.
 * <li>A Job is kept without its {@code spec} (the pod template: the runner's container, its environment with the
 * whole contract): the operator reads only a Job's metadata (name, owner, labels and annotations, creation and
 * deletion times) and its status (conditions, pod counts, start time).
 * </ul>
 * No write sends a cached object back whole (status goes out as patches, Jobs and EtlFiles are built anew, a Job is
 * deleted by name), so nothing is lost on the server.
 */
public final class CachePruning {
    /** Most objects an informer (or another list of files or Jobs) asks for in one request. */
    public static final long LIST_PAGE = 500;

    private CachePruning() {
    }

    /** A cache for an event source's informer ({@code withItemStore}). */
    public static <R extends HasMetadata> ItemStore<R> store() {
        return new TransformingItemStore<>(CachePruning::prune);
    }

    /** A cache for the Jobs' informer. */
    public static ItemStore<Job> jobStore() {
        return new TransformingItemStore<>(CachePruning::pruneJob);
    }

    /** The same as {@link #store()}, as a class a controller's {@code @Informer(itemStore = ...)} names. */
    public static final class Store<R extends HasMetadata> extends TransformingItemStore<R> {
        public Store() {
            super(CachePruning::prune);
        }
    }

    static <R extends HasMetadata> R prune(R resource) {
        resource.getMetadata().setManagedFields(null);
        return resource;
    }

    static Job pruneJob(Job job) {
        job.setSpec(null);
        return prune(job);
    }
}

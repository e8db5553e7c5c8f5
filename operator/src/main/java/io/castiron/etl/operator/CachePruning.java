package io.castiron.etl.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * What the operator's informers keep of each object. An object as the API server sends it carries
 * {@code metadata.managedFields} (which writer owns which field): on an EtlFile that the operator and the runner have
 * written, and on its Job, a large share of the object. Nothing here reads them, and the caches hold every
 * retained file twice (the file controller's and the pipelines' informers) and its Job, so they are dropped as an
 * object enters a cache. No write sends a cached object back whole (status goes out as patches, Jobs and
 * EtlFiles are built anew), so nothing is lost on the server.
 */
public final class CachePruning {
    private CachePruning() {
    }

    /** A cache for an event source's informer ({@code withItemStore}). */
    public static <R extends HasMetadata> ItemStore<R> store() {
        return new TransformingItemStore<>(CachePruning::prune);
    }

    /** The same, as a class a controller's {@code @Informer(itemStore = ...)} names. */
    public static final class Store<R extends HasMetadata> extends TransformingItemStore<R> {
        public Store() {
            super(CachePruning::prune);
        }
    }

    static <R extends HasMetadata> R prune(R resource) {
        resource.getMetadata().setManagedFields(null);
        return resource;
    }
}

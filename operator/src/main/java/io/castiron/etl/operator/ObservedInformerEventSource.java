package io.castiron.etl.operator;

import java.util.function.BiConsumer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * An informer event source that also reports every change its informer sees, whether or not its filters let the
 * change through to the controller: {@code changes} gets (null, added), (before, after) and (deleted, null).
 */
public final class ObservedInformerEventSource<R extends HasMetadata, P extends HasMetadata>
        extends InformerEventSource<R, P> {
    private final BiConsumer<R, R> changes;

    public ObservedInformerEventSource(InformerEventSourceConfiguration<R> configuration,
            EventSourceContext<P> context, BiConsumer<R, R> changes) {
        super(configuration, context);
        this.changes = changes;
    }

    @Override
    public void onAdd(R resource) {
        super.onAdd(resource);
        changes.accept(null, resource);
    }

    @Override
    public void onUpdate(R before, R after) {
        super.onUpdate(before, after);
        changes.accept(before, after);
    }

    @Override
    public synchronized void onDelete(R resource, boolean deletedFinalStateUnknown) {
        super.onDelete(resource, deletedFinalStateUnknown);
        changes.accept(resource, null);
    }
}

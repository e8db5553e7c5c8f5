package io.castiron.etl.events;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Kafka is optional: without bootstrap servers events go nowhere. */
final class DisabledEventPublisher implements EventPublisher {
    static final DisabledEventPublisher INSTANCE = new DisabledEventPublisher();

    private DisabledEventPublisher() {
    }

    @Override
    public CompletionStage<Void> jobCreated(String jobId, String filename, String handler) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void status(String jobId, JobStatus status) {
    }

    @Override
    public void progress(String jobId, double progress) {
    }

    @Override
    public void task(String jobId, String task) {
    }

    @Override
    public void committed(String jobId, long committed) {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "events disabled (no Kafka bootstrap servers)";
    }
}

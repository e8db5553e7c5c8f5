package io.castiron.etl.events;

/** Kafka is optional: without bootstrap servers events go nowhere. */
final class DisabledEventPublisher implements EventPublisher {
    static final DisabledEventPublisher INSTANCE = new DisabledEventPublisher();

    private DisabledEventPublisher() {
    }

    @Override
    public void jobCreated(String jobId, String filename, String handler, String uploader) {
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

package io.castiron.etl.events;

import java.util.concurrent.CompletionStage;

import io.castiron.etl.config.Settings;

/**
 * Publishes a file's progress ("pizza tracker") events: JSON keyed by job id on the configured topic.
 * Publishing never blocks or fails the caller; events that cannot be delivered are dropped and logged.
 */
public interface EventPublisher extends AutoCloseable {

    /** A Kafka publisher, or {@link #disabled()} when {@code settings} name no bootstrap servers. */
    static EventPublisher create(Settings settings) {
        return settings.kafkaEnabled()
                ? new KafkaEventPublisher(settings.kafkaBootstrapServers(), settings.kafkaTopic())
                : disabled();
    }

    /** A publisher that publishes nothing. */
    static EventPublisher disabled() {
        return DisabledEventPublisher.INSTANCE;
    }

    /**
     * {@code {"type":"job_created","job_id",...,"filename",...,"handler",...,"uploader",...}}. The stage completes
     * once the broker has the event or it was dropped, and at once while the broker is known to be away: whoever
     * starts the file's Job can wait for it (bounded), so the Job's own events land after this one.
     */
    CompletionStage<Void> jobCreated(String jobId, String filename, String handler, String uploader);

    /** {@code {"type":"job_update","job_id",...,"status":"success"}} and the like. */
    void status(String jobId, JobStatus status);

    /** {@code {"type":"job_update","job_id",...,"progress":0.4}} */
    void progress(String jobId, double progress);

    /** {@code {"type":"job_update","job_id",...,"task":"..."}} */
    void task(String jobId, String task);

    /** {@code {"type":"job_update","job_id",...,"committed":120}} */
    void committed(String jobId, long committed);

    /** Sends what is buffered, waiting a bounded time, and releases the connection. */
    @Override
    void close();
}

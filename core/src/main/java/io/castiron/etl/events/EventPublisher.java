package io.castiron.etl.events;

import java.util.concurrent.CompletionStage;

import io.castiron.etl.config.Settings;

/**
 * Publishes a file's progress ("pizza tracker") events: JSON keyed by job id on the configured topic, in the order
 * of the calls. Publishing never fails the caller; events that cannot be delivered are dropped and logged.
 */
public interface EventPublisher extends AutoCloseable {

    /** What a call does when the broker is behind and the publisher's queue is full. */
    enum WhenFull {
        /** Drop the event: for callers that must never wait (the operator's reconcilers). */
        DROP,
        /** Wait for room while the broker takes events: for the runner, whose waiting slows the processor down. */
        WAIT
    }

    /** A Kafka publisher that never waits, or {@link #disabled()} when {@code settings} name no bootstrap servers. */
    static EventPublisher create(Settings settings) {
        return create(settings, WhenFull.DROP);
    }

    /** A Kafka publisher, or {@link #disabled()} when {@code settings} name no bootstrap servers. */
    static EventPublisher create(Settings settings, WhenFull whenFull) {
        return settings.kafkaEnabled()
                ? new KafkaEventPublisher(settings.kafkaBootstrapServers(), settings.kafkaTopic(), whenFull)
                : disabled();
    }

    /** A publisher that publishes nothing. */
    static EventPublisher disabled() {
        return DisabledEventPublisher.INSTANCE;
    }

    /**
     * {@code {"type":"job_created","job_id",...,"filename",...,"handler",...,"uploader":"castiron"}}, as the original
     * sent it: {@code filename} is the staged object's leaf name ({@code <fileId>-<name>}), {@code handler} the
     * pipeline's TOML file name (or resource name), {@code uploader} always {@code castiron}. The stage completes
     * once the broker has the event or it was dropped, and at once while the broker is known to be away: whoever
     * starts the file's Job can wait for it (bounded), so the Job's own events land after this one.
     */
    CompletionStage<Void> jobCreated(String jobId, String filename, String handler);

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

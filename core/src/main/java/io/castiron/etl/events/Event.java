package io.castiron.etl.events;

import java.util.Objects;

/**
 * One message for the events topic: its key, the file id the original called {@code job_id}, and its JSON as
 * {@link EventMessages} writes it, field for field as the original sent it.
 *
 * @param progress true for a {@code progress} update, which the next one supersedes: the only message that may be
 *                 left out (when the next progress update follows it before it was written)
 */
public record Event(String jobId, String json, boolean progress) {

    public Event {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(json, "json");
    }

    /**
     * {@code {"type":"job_created","job_id",...,"filename",...,"handler",...,"uploader":"castiron"}}: {@code filename}
     * is the staged object's leaf name ({@code <fileId>-<name>}), {@code handler} the pipeline's TOML file name (or
     * resource name), {@code uploader} always {@code castiron}.
     */
    public static Event jobCreated(String jobId, String filename, String handler) {
        return new Event(jobId, EventMessages.jobCreated(jobId, filename, handler), false);
    }

    /** {@code {"type":"job_update","job_id",...,"status":"success"}} and the like. */
    public static Event status(String jobId, JobStatus status) {
        return new Event(jobId, EventMessages.jobUpdate(jobId, "status", status.value()), false);
    }

    /** {@code {"type":"job_update","job_id",...,"progress":0.4}} */
    public static Event progress(String jobId, double progress) {
        return new Event(jobId, EventMessages.jobUpdate(jobId, "progress", progress), true);
    }

    /** {@code {"type":"job_update","job_id",...,"task":"..."}} */
    public static Event task(String jobId, String task) {
        return new Event(jobId, EventMessages.jobUpdate(jobId, "task", task), false);
    }

    /** {@code {"type":"job_update","job_id",...,"committed":120}} */
    public static Event committed(String jobId, long committed) {
        return new Event(jobId, EventMessages.jobUpdate(jobId, "committed", committed), false);
    }
}

package io.castiron.etl.events;

import io.castiron.etl.status.FileStatus;

/** The {@code status} values of {@code job_update} messages, as the original's consumers expect them. */
public enum JobStatus {
    QUEUED("queued"),
    PROCESSING("processing"),
    SUCCESS("success"),
    FAILURE("failure"),
    CANCELED("canceled");

    private final String value;

    JobStatus(String value) {
        this.value = value;
    }

    /** The string sent on the topic. */
    public String value() {
        return value;
    }

    /** The message status for a stored file status. */
    public static JobStatus of(FileStatus status) {
        return switch (status) {
            case QUEUED -> QUEUED;
            case PROCESSING -> PROCESSING;
            case COMPLETE -> SUCCESS;
            case FAILED -> FAILURE;
            case CANCELED -> CANCELED;
        };
    }

    @Override
    public String toString() {
        return value;
    }
}

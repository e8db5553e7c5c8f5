package io.castiron.etl.status;

import java.util.Arrays;

/** A file's status as stored in {@code filestatusrecord.status}: the original's exact strings. */
public enum FileStatus {
    QUEUED("Queued"),
    PROCESSING("Processing"),
    COMPLETE("Complete"),
    FAILED("Failed"),
    CANCELED("Canceled");

    private final String value;

    FileStatus(String value) {
        this.value = value;
    }

    /** The string stored in the database (and in the object's {@code status} metadata). */
    public String value() {
        return value;
    }

    public boolean isFinal() {
        return this == COMPLETE || this == FAILED || this == CANCELED;
    }

    public static FileStatus fromValue(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown file status '" + value + "'; expected one of "
                        + Arrays.stream(values()).map(FileStatus::value).toList()));
    }

    @Override
    public String toString() {
        return value;
    }
}

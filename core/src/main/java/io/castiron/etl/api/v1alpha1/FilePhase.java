package io.castiron.etl.api.v1alpha1;

/** Where an EtlFile is in its lifecycle. Succeeded, Failed and Canceled are final. */
public enum FilePhase {
    /** Claimed; the file is being moved to processing and recorded. */
    Pending,
    /** Staged and recorded; waiting for a free Job slot of its pipeline. */
    Queued,
    /** Its Job exists. */
    Running,
    Succeeded,
    Failed,
    Canceled;

    public boolean isFinal() {
        return this == Succeeded || this == Failed || this == Canceled;
    }
}

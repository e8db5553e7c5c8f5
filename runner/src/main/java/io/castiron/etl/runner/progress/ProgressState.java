package io.castiron.etl.runner.progress;

/** The latest progress, task and committed count of a file; null where nothing was reported yet. */
public record ProgressState(Double progress, String task, Long committed) {
    public static final ProgressState NONE = new ProgressState(null, null, null);

    public ProgressState withProgress(double value) {
        return new ProgressState(value, task, committed);
    }

    public ProgressState withTask(String value) {
        return new ProgressState(progress, value, committed);
    }

    public ProgressState withCommitted(long value) {
        return new ProgressState(progress, task, value);
    }
}

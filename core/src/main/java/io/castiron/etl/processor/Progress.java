package io.castiron.etl.processor;

/**
 * Progress of one file, as the pipe protocol's {@code PROGRESS}, {@code TASK} and {@code COMMITTED} lines
 * report it for Python and shell processors.
 */
public interface Progress {
    /** The fraction done, 0..1; other values are ignored. */
    void progress(double fraction);

    /** What the processor is doing now, in a few words. */
    void task(String text);

    /** How many records the processor has committed so far. */
    void committed(long count);

    /** Reports nothing (for tests of a processor). */
    static Progress none() {
        return new Progress() {
            @Override
            public void progress(double fraction) {
            }

            @Override
            public void task(String text) {
            }

            @Override
            public void committed(long count) {
            }
        };
    }
}

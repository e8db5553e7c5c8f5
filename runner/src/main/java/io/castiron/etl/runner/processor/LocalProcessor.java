package io.castiron.etl.runner.processor;

/**
 * A pipeline's processor, ready to run on a local file, or on each file of a batch in turn; {@link #close()} once
 * the last has run.
 */
public interface LocalProcessor extends AutoCloseable {

    /** Runs the processor once and waits for it; never throws for a failure of the processor itself. */
    ProcessorOutcome run(ProcessorCall call);

    /**
     * Stops a running call promptly (its child processes too), from another thread; {@link #run} then returns
     * {@link ProcessorOutcome.Result#STOPPED}.
     */
    void stop();

    /** For logs and error logs, e.g. {@code python my_pkg.mod.fn}. */
    String describe();

    /** Ends what the processor keeps between files (a Python interpreter); nothing for most. */
    @Override
    default void close() {
    }
}

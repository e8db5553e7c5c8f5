package io.castiron.etl.runner.processor;

/** A pipeline's processor, ready to run on a local file. */
public interface LocalProcessor {

    /** Runs the processor once and waits for it; never throws for a failure of the processor itself. */
    ProcessorOutcome run(ProcessorCall call);

    /**
     * Stops a running call promptly (its child processes too), from another thread; {@link #run} then returns
     * {@link ProcessorOutcome.Result#STOPPED}.
     */
    void stop();

    /** For logs and error logs, e.g. {@code python my_pkg.mod.fn}. */
    String describe();
}

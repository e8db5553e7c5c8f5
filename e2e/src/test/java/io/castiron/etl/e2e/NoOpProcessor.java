package io.castiron.etl.e2e;

import io.castiron.etl.processor.FileProcessor;
import io.castiron.etl.processor.ProcessorInput;

/**
 * The bench's processor for the runner in this JVM: does nothing, so a run costs only what the product does around
 * it. (A shell {@code true} would fork a process from this JVM per file; the runner as its own process uses that.)
 */
public final class NoOpProcessor implements FileProcessor {
    @Override
    public void process(ProcessorInput input) {
    }
}

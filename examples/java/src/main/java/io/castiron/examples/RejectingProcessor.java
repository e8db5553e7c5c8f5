package io.castiron.examples;

import io.castiron.etl.processor.FileProcessor;
import io.castiron.etl.processor.ProcessorInput;

/** Always fails, to show a failure: the file goes to the error folder with this exception in its error log. */
public final class RejectingProcessor implements FileProcessor {

    @Override
    public void process(ProcessorInput input) {
        throw new IllegalArgumentException("rejected " + input.originalName() + ": "
                + input.kwarg("reason", "this example always fails"));
    }
}

package io.castiron.examples;

import io.castiron.etl.processor.FileProcessor;
import io.castiron.etl.processor.ProcessorInput;
import io.castiron.etl.processor.RetryLaterException;

/**
 * A temporary failure: a service the processor needs (named by the {@code service} kwarg) is down, so the file
 * stays in processing and the Job tries again later.
 */
public final class UnavailableServiceProcessor implements FileProcessor {

    @Override
    public void process(ProcessorInput input) throws RetryLaterException {
        throw new RetryLaterException(input.kwarg("service", "the database") + " is not reachable; try again later");
    }
}

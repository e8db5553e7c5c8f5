package io.castiron.etl.processor;

/**
 * A Java processor: the runner creates the named class with its public no-argument constructor and calls
 * {@link #process} once, in the runner's JVM, for the one file its Job handles. Returning normally means the
 * file was processed (it goes to the archive stage); any exception means it failed (it goes to the error stage,
 * the stack trace into the error log), except {@link RetryLaterException}, which leaves the file where it is
 * for the Job's next attempt.
 *
 * <pre>
 * public final class LineCounter implements FileProcessor {
 *     public void process(ProcessorInput input) throws Exception {
 *         long lines = Files.lines(input.file()).count();
 *         input.progress().committed(lines);
 *     }
 * }
 * </pre>
 */
@FunctionalInterface
public interface FileProcessor {
    void process(ProcessorInput input) throws Exception;
}

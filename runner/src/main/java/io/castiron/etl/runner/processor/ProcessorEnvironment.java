package io.castiron.etl.runner.processor;

import java.util.LinkedHashMap;
import java.util.Map;

import io.castiron.etl.contract.JobContract;

/** The variables a shell or Python processor finds in its environment, besides the runner's own. */
public final class ProcessorEnvironment {
    /** Absolute path of the local copy of the file. */
    public static final String FILENAME = "ETL_FILENAME";
    /** The file's name in the inbox (the same variable as the Job contract's). */
    public static final String ORIGINAL_NAME = JobContract.ORIGINAL_NAME;
    /** The file id (the same variable as the Job contract's). */
    public static final String FILE_ID = JobContract.FILE_ID;
    /** The named pipe that takes progress lines. */
    public static final String PROGRESS_PIPE = "ETL_PROGRESS_PIPE";

    private ProcessorEnvironment() {
    }

    /** The runner's environment (the process's, in a Job) plus the processor's variables. */
    static Map<String, String> of(ProcessorCall call, String progressPipe) {
        var env = new LinkedHashMap<String, String>(call.environment());
        env.putAll(ofFile(call, progressPipe));
        return env;
    }

    /** The processor's variables alone: what changes from one file of a batch to the next. */
    static Map<String, String> ofFile(ProcessorCall call, String progressPipe) {
        var env = new LinkedHashMap<String, String>();
        env.put(FILENAME, call.file().toAbsolutePath().toString());
        env.put(ORIGINAL_NAME, call.originalName());
        env.put(FILE_ID, call.fileId());
        env.put(PROGRESS_PIPE, progressPipe);
        return env;
    }
}

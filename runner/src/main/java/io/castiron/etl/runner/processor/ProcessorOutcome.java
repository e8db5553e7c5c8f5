package io.castiron.etl.runner.processor;

/**
 * How a processor call ended.
 *
 * @param result   what happened
 * @param exitCode the child process's exit code, or null for a Java processor
 * @param error    a one-line reason for a failure (the exception, the last stderr line), else null
 * @param details  for the error log: the processor's stderr (its tail) or the stack trace, else empty
 */
public record ProcessorOutcome(Result result, Integer exitCode, String error, String details) {

    public enum Result {
        SUCCEEDED,
        FAILED,
        /** A temporary failure: exit code 75 or {@link io.castiron.etl.processor.RetryLaterException}. */
        RETRY_LATER,
        /** Stopped by the runner (SIGTERM). */
        STOPPED
    }

    /** The exit code a processor uses for a temporary failure (EX_TEMPFAIL). */
    public static final int EXIT_RETRY_LATER = 75;

    public static ProcessorOutcome succeeded(Integer exitCode) {
        return new ProcessorOutcome(Result.SUCCEEDED, exitCode, null, "");
    }

    public static ProcessorOutcome stopped(Integer exitCode) {
        return new ProcessorOutcome(Result.STOPPED, exitCode, "stopped by the runner", "");
    }

    /** The outcome of a child process from its exit code and stderr tail. */
    static ProcessorOutcome ofExit(int exitCode, String stderrTail, String what) {
        if (exitCode == 0) {
            return succeeded(0);
        }
        String lastLine = lastLine(stderrTail);
        String error = what + " exited with code " + exitCode + (lastLine.isEmpty() ? "" : ": " + lastLine);
        return new ProcessorOutcome(exitCode == EXIT_RETRY_LATER ? Result.RETRY_LATER : Result.FAILED, exitCode,
                error, stderrTail);
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }
}

package io.castiron.etl.contract;

/**
 * The runner's exit codes: how a Job's pod tells the operator what happened to its file. The operator's
 * podFailurePolicy fails the Job without retry on {@link #PROCESSOR_FAILED}; every other non-zero code is
 * retried up to the Job's backoffLimit.
 */
public final class RunnerExitCodes {
    /** The file was processed and is in the archive stage (or deleted, without one). */
    public static final int PROCESSED = 0;
    /** S3 or PostgreSQL failed after bounded retries; the file is left in processing for the next attempt. */
    public static final int INFRASTRUCTURE_FAILURE = 1;
    /** A variable of the {@link JobContract} is missing or malformed; the file was not touched. */
    public static final int BAD_CONTRACT = 2;
    /** The processor failed and the file is already in the error stage. */
    public static final int PROCESSOR_FAILED = 3;
    /** The processor asked to be retried later (EX_TEMPFAIL); the file is left in processing. */
    public static final int RETRY_LATER = 75;
    /** Stopped by SIGTERM (128 + 15); the file is left in processing for the operator to cancel or retry. */
    public static final int TERMINATED = 143;

    private RunnerExitCodes() {
    }
}

package io.castiron.etl.processor;

/**
 * Thrown by a {@link FileProcessor} for a temporary failure (a service it needs is down, ...): the file stays
 * in processing and the Job tries again, as exit code 75 does for Python and shell processors.
 */
public class RetryLaterException extends Exception {
    public RetryLaterException(String message) {
        super(message);
    }

    public RetryLaterException(String message, Throwable cause) {
        super(message, cause);
    }
}

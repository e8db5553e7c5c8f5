package io.castiron.etl.runner;

/** S3 or PostgreSQL failed, even after retries: the runner exits 1 and leaves the file for the Job's retry. */
final class InfrastructureException extends RuntimeException {
    InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }

    InfrastructureException(String message) {
        super(message);
    }
}

package io.castiron.etl.operator.pipeline;

/**
 * The API server refused a file's Job as invalid (422, 400): creating the same Job again would be refused again, so
 * the file ends in error with the server's message instead of waiting for ever.
 */
public class JobRefusedException extends RuntimeException {
    public JobRefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    static boolean refuses(int httpCode) {
        return httpCode == 400 || httpCode == 422;
    }
}

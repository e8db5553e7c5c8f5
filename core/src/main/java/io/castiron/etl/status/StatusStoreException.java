package io.castiron.etl.status;

/** A failed read or write of {@code filestatusrecord}; the message names the operation and the file id. */
public class StatusStoreException extends RuntimeException {
    public StatusStoreException(String message) {
        super(message);
    }

    public StatusStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

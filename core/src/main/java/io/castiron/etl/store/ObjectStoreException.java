package io.castiron.etl.store;

/** A failed object-store operation; the message names the bucket and key(s). */
public class ObjectStoreException extends RuntimeException {
    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

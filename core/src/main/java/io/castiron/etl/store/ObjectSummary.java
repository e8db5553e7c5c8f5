package io.castiron.etl.store;

import java.time.Instant;

/** One listed object. {@code etag} is without quotes. */
public record ObjectSummary(String key, long size, String etag, Instant lastModified) {
}

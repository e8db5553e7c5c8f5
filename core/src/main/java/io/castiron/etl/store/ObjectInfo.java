package io.castiron.etl.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a stat of one object returns. {@code userMetadata} has case-insensitive keys (S3 lower-cases them, so
 * {@code originalFilename} comes back as {@code originalfilename}) and decoded values.
 */
public record ObjectInfo(String key, long size, String etag, String contentType, Instant lastModified,
        Map<String, String> userMetadata) {

    public Optional<String> metadata(String name) {
        return Optional.ofNullable(userMetadata.get(name));
    }
}

package io.castiron.etl.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a stat of one object returns. {@code userMetadata} has case-insensitive keys (S3 lower-cases them, so
 * {@code originalFilename} comes back as {@code originalfilename}) and decoded values. {@code headers} are the
 * response's HTTP headers as the server named them ({@code Content-Type}, {@code X-Amz-Meta-Owner_dn}, ...), values
 * as sent: what the original tool's stat returned.
 */
public record ObjectInfo(String key, long size, String etag, String contentType, Instant lastModified,
        Map<String, String> userMetadata, Map<String, String> headers) {

    /** An object known without its HTTP headers (from a listing, or made up by a test). */
    public ObjectInfo(String key, long size, String etag, String contentType, Instant lastModified,
            Map<String, String> userMetadata) {
        this(key, size, etag, contentType, lastModified, userMetadata, Map.of());
    }

    public Optional<String> metadata(String name) {
        return Optional.ofNullable(userMetadata.get(name));
    }

    /** The header's value, whatever the case of {@code name}. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst();
    }
}

package io.castiron.etl.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.castiron.etl.status.FileStatus;

/**
 * The user-metadata keys the product puts on a staged object, as the original did (besides them the object keeps
 * every key its uploader set), and the encoding of their
 * values: S3 metadata travels in HTTP headers, so a value that is not printable ASCII (a file name like
 * {@code données.csv}) is written as an RFC 2047 encoded word ({@code =?UTF-8?B?...?=}), as S3 itself does.
 */
public final class ObjectMetadata {
    public static final String ID = "id";
    public static final String ORIGINAL_FILENAME = "originalFilename";
    public static final String STATUS = "status";
    /**
     * The pipeline that staged the file ({@code namespace/name}): pipelines that share a folder prefix share the
     * processing folder, and only the file's own pipeline may put it back when it finds it orphaned.
     */
    public static final String PIPELINE = "castironPipeline";

    private static final String USER_METADATA_HEADER = "X-Amz-Meta-";
    private static final String ENCODED_PREFIX = "=?UTF-8?B?";
    private static final String ENCODED_SUFFIX = "?=";

    private ObjectMetadata() {
    }

    /** The metadata the product sets on a staged file. */
    public static Map<String, String> of(String id, String originalFilename, FileStatus status) {
        var metadata = new LinkedHashMap<String, String>();
        metadata.put(ID, id);
        metadata.put(ORIGINAL_FILENAME, originalFilename);
        metadata.put(STATUS, status.value());
        return metadata;
    }

    /** A copy of {@code metadata} naming the pipeline that staged the file ({@link #PIPELINE}). */
    public static Map<String, String> withPipeline(Map<String, String> metadata, String namespace, String pipeline) {
        var copy = new LinkedHashMap<>(metadata);
        copy.put(PIPELINE, namespace + "/" + pipeline);
        return copy;
    }

    /** The key that a move to the file's next stage sets: {@link #STATUS}. */
    public static Map<String, String> status(FileStatus status) {
        return Map.of(STATUS, status.value());
    }

    /** The key under which S3 returns the uploader's {@code Owner_dn} metadata, which fills the row's user_dn. */
    public static final String OWNER_DN = "owner_dn";

    /** User metadata as a stat's headers name it (see {@link #headerName}), for a file that is not in a store. */
    public static Map<String, String> asHeaders(Map<String, String> metadata) {
        var headers = new LinkedHashMap<String, String>();
        metadata.forEach((key, value) -> headers.put(headerName(key), encodeValue(value)));
        return headers;
    }

    /**
     * The header of a user-metadata key as MinIO, the original's server, names it in a stat:
     * {@code X-Amz-Meta-Originalfilename}, {@code X-Amz-Meta-Owner_dn} (the first letter and each letter after a
     * '-' upper-cased, the rest lower-cased), whatever case the key was set or another server returns it in.
     */
    static String headerName(String key) {
        var name = new StringBuilder(USER_METADATA_HEADER);
        boolean upper = true;
        for (char c : key.toCharArray()) {
            name.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return name.toString();
    }

    /** The user-metadata key of a header, or null when it is not an {@code X-Amz-Meta-*} header. */
    static String userKey(String header) {
        return header.regionMatches(true, 0, USER_METADATA_HEADER, 0, USER_METADATA_HEADER.length())
                ? header.substring(USER_METADATA_HEADER.length()) : null;
    }

    static Map<String, String> encode(Map<String, String> metadata) {
        var encoded = new LinkedHashMap<String, String>();
        metadata.forEach((key, value) -> encoded.put(key, encodeValue(value)));
        return encoded;
    }

    /** Decoded values under case-insensitive keys (S3 lower-cases metadata keys). */
    static Map<String, String> decode(Map<String, String> metadata) {
        var decoded = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        metadata.forEach((key, value) -> decoded.put(key, decodeValue(value)));
        return decoded;
    }

    static String encodeValue(String value) {
        if (value == null) {
            return "";
        }
        boolean plain = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !value.startsWith(ENCODED_PREFIX);
        return plain ? value
                : ENCODED_PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                        + ENCODED_SUFFIX;
    }

    static String decodeValue(String value) {
        if (value == null || !value.startsWith(ENCODED_PREFIX) || !value.endsWith(ENCODED_SUFFIX)
                || value.length() < ENCODED_PREFIX.length() + ENCODED_SUFFIX.length()) {
            return value;
        }
        String base64 = value.substring(ENCODED_PREFIX.length(), value.length() - ENCODED_SUFFIX.length());
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}

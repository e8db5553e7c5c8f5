package io.castiron.etl.status;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One row of {@code filestatusrecord}. The store sets the timestamps; a new row is made with
 * {@link #builder(UUID, String, String, String)}.
 *
 * @param fileName      the object's current key
 * @param minioMetadata the object's user metadata as JSON text (the original's column)
 * @param userDn        who uploaded the file, when known
 */
public record FileStatusRecord(
        UUID id,
        String bucketName,
        String fileName,
        String originalFilename,
        FileStatus status,
        String eventName,
        Long size,
        String contentType,
        String minioMetadata,
        String userDn,
        Instant createdDt,
        Instant updatedDt,
        String pipeline,
        String namespace,
        String jobName,
        int attempts,
        Double progress,
        String task,
        Long committed,
        String error,
        Instant startedDt,
        Instant finishedDt) {

    public FileStatusRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bucketName, "bucketName");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(originalFilename, "originalFilename");
        Objects.requireNonNull(status, "status");
    }

    /** A new row for a file, status Queued unless set otherwise. */
    public static Builder builder(UUID id, String bucketName, String fileName, String originalFilename) {
        return new Builder(id, bucketName, fileName, originalFilename);
    }

    public static final class Builder {
        /** Only a new row's metadata is written; a runner, which reads rows, never makes this mapper. */
        private static final ObjectMapper JSON = new ObjectMapper();

        private final UUID id;
        private final String bucketName;
        private final String fileName;
        private final String originalFilename;
        private FileStatus status = FileStatus.QUEUED;
        private String eventName;
        private Long size;
        private String contentType;
        private String minioMetadata;
        private String userDn;
        private String pipeline;
        private String namespace;

        private Builder(UUID id, String bucketName, String fileName, String originalFilename) {
            this.id = id;
            this.bucketName = bucketName;
            this.fileName = fileName;
            this.originalFilename = originalFilename;
        }

        public Builder status(FileStatus status) {
            this.status = status;
            return this;
        }

        public Builder eventName(String eventName) {
            this.eventName = eventName;
            return this;
        }

        public Builder size(Long size) {
            this.size = size;
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** The object's user metadata, stored as JSON text with sorted keys. */
        public Builder minioMetadata(Map<String, String> metadata) {
            try {
                this.minioMetadata = metadata == null ? null : JSON.writeValueAsString(new TreeMap<>(metadata));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write the metadata of file " + id + " as JSON", e);
            }
            return this;
        }

        public Builder userDn(String userDn) {
            this.userDn = userDn;
            return this;
        }

        public Builder pipeline(String namespace, String pipeline) {
            this.namespace = namespace;
            this.pipeline = pipeline;
            return this;
        }

        public FileStatusRecord build() {
            return new FileStatusRecord(id, bucketName, fileName, originalFilename, status, eventName, size,
                    contentType, minioMetadata, userDn, null, null, pipeline, namespace, null, 0, null, null, null,
                    null, null, null);
        }
    }
}

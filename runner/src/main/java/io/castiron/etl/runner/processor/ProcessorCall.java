package io.castiron.etl.runner.processor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.castiron.etl.processor.Progress;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectMetadata;

/**
 * One call of a processor on one local file.
 *
 * @param file         the local copy of the file
 * @param fileId       the file id (row id, Kafka job_id)
 * @param originalName the file's name in the inbox
 * @param metadata     the object's user metadata (Java processors get it)
 * @param fileMetadata the object's HTTP headers and {@code status}: Python's {@code file_metadata}, as the original
 *                     passed it
 * @param workDir      a private folder for this call (the file's folder is inside it)
 * @param progress     where progress goes (the pipe's lines and the Java reporter's calls)
 * @param environment  the runner's environment: environment kwargs are read from it
 */
public record ProcessorCall(Path file, String fileId, String originalName, Map<String, String> metadata,
        Map<String, String> fileMetadata, Path workDir, Progress progress, Map<String, String> environment) {

    /**
     * Python's {@code file_metadata}, as the original passed it: the object's stat metadata (its HTTP headers,
     * {@code X-Amz-Meta-*} keys included, as the server named them) plus {@code status}.
     */
    public static Map<String, String> fileMetadata(Map<String, String> headers) {
        var metadata = new LinkedHashMap<>(headers);
        metadata.put(ObjectMetadata.STATUS, FileStatus.PROCESSING.value());
        return metadata;
    }
}

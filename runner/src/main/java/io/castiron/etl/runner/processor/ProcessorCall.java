package io.castiron.etl.runner.processor;

import java.nio.file.Path;
import java.util.Map;

import io.castiron.etl.processor.Progress;

/**
 * One call of a processor on one local file.
 *
 * @param file         the local copy of the file
 * @param fileId       the file id (row id, Kafka job_id)
 * @param originalName the file's name in the inbox
 * @param metadata     the object's user metadata
 * @param workDir      a private folder for this call (the file's folder is inside it)
 * @param progress     where progress goes (the pipe's lines and the Java reporter's calls)
 * @param environment  the runner's environment: environment kwargs are read from it
 */
public record ProcessorCall(Path file, String fileId, String originalName, Map<String, String> metadata,
        Path workDir, Progress progress, Map<String, String> environment) {
}

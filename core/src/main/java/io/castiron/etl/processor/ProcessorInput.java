package io.castiron.etl.processor;

import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.castiron.etl.toml.TomlValues;

/**
 * What a {@link FileProcessor} gets.
 *
 * @param file         the downloaded file, in a private temporary folder, named after the original file name
 * @param fileId       the file's id (the PostgreSQL row id and the Kafka job_id)
 * @param originalName the name the file had in the inbox
 * @param metadata     the object's user metadata ({@code id}, {@code originalFilename}, {@code status}, ...)
 * @param kwargs       the pipeline's static kwargs, overridden by its environment kwargs that are set
 * @param progress     where to report progress; cheap to call often
 */
public record ProcessorInput(Path file, String fileId, String originalName, Map<String, String> metadata,
        Map<String, JsonNode> kwargs, Progress progress) {

    public ProcessorInput {
        metadata = Map.copyOf(metadata);
        kwargs = Map.copyOf(kwargs);
    }

    /**
     * The kwarg as text, or {@code fallback} when it is not set. A TOML date, time, inf or nan (a
     * {@link TomlValues} tagged object in {@link #kwargs}) gives its ISO-8601 text or {@code inf}/{@code nan}.
     */
    public String kwarg(String name, String fallback) {
        JsonNode value = kwargs.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        return TomlValues.tagged(value).map(Map.Entry::getValue).orElseGet(value::asText);
    }
}

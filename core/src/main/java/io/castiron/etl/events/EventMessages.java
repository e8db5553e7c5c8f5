package io.castiron.etl.events;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The JSON of the topic's two message types, field for field as the original sent them. Written with Jackson's
 * streaming generator: an ObjectMapper's start-up would be part of every runner's.
 */
final class EventMessages {
    static final String TYPE = "type";
    static final String JOB_ID = "job_id";
    static final String JOB_CREATED = "job_created";
    static final String JOB_UPDATE = "job_update";
    /** The {@code uploader} of every {@code job_created}: the original always sent this constant. */
    static final String UPLOADER = "castiron";

    private static final JsonFactory JSON = new JsonFactory();

    private EventMessages() {
    }

    static String jobCreated(String jobId, String filename, String handler) {
        return write(JOB_CREATED, jobId, json -> {
            json.writeStringField("filename", filename);
            json.writeStringField("handler", handler);
            json.writeStringField("uploader", UPLOADER);
        });
    }

    /** A job_update with one field ({@code status}, {@code task}). */
    static String jobUpdate(String jobId, String field, String value) {
        return write(JOB_UPDATE, jobId, json -> json.writeStringField(field, value));
    }

    /** A job_update with one field ({@code progress}). */
    static String jobUpdate(String jobId, String field, double value) {
        return write(JOB_UPDATE, jobId, json -> json.writeNumberField(field, value));
    }

    /** A job_update with one field ({@code committed}). */
    static String jobUpdate(String jobId, String field, long value) {
        return write(JOB_UPDATE, jobId, json -> json.writeNumberField(field, value));
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(String type, String jobId, Fields fields) {
        var text = new StringWriter(128);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField(TYPE, type);
            json.writeStringField(JOB_ID, jobId);
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a " + type + " event of job " + jobId + " as JSON", e);
        }
        return text.toString();
    }
}

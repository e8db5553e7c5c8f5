package io.castiron.etl.events;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON of the topic's two message types, field for field as the original sent them. */
final class EventMessages {
    static final String TYPE = "type";
    static final String JOB_ID = "job_id";
    static final String JOB_CREATED = "job_created";
    static final String JOB_UPDATE = "job_update";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventMessages() {
    }

    static String jobCreated(String jobId, String filename, String handler, String uploader) {
        var message = message(JOB_CREATED, jobId);
        message.put("filename", filename);
        message.put("handler", handler);
        message.put("uploader", uploader);
        return write(message);
    }

    /** A job_update with one field ({@code status}, {@code progress}, {@code task} or {@code committed}). */
    static String jobUpdate(String jobId, String field, Object value) {
        var message = message(JOB_UPDATE, jobId);
        message.put(field, value);
        return write(message);
    }

    private static Map<String, Object> message(String type, String jobId) {
        var message = new LinkedHashMap<String, Object>();
        message.put(TYPE, type);
        message.put(JOB_ID, jobId);
        return message;
    }

    private static String write(Map<String, Object> message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write event " + message + " as JSON", e);
        }
    }
}

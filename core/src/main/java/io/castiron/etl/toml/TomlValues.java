package io.castiron.etl.toml;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The kwarg values TOML has and JSON has not: offset and local date-times, dates, times, and the floats
 * {@code inf}, {@code -inf}, {@code nan}. The original's TOML reader handed them to Python as {@code datetime},
 * {@code date}, {@code time} and {@code float}; here a pipeline's spec is JSON, so each is kept as an object of one
 * tagged field ({@code {"$datetime": "1979-05-27T07:32:00-08:00"}}, {@code {"$float": "inf"}}), which the Python
 * launcher ({@code castiron_launcher.py}, the other place these tags are written) turns back into those objects and
 * the TOML encoder back into TOML values.
 */
public final class TomlValues {
    /** An offset date-time (with its offset) or a local date-time (without): Python {@code datetime}. */
    public static final String DATETIME = "$datetime";
    /** A local date: Python {@code date}. */
    public static final String DATE = "$date";
    /** A local time: Python {@code time}. */
    public static final String TIME = "$time";
    /** {@code inf}, {@code -inf} or {@code nan}: Python {@code float}. */
    public static final String FLOAT = "$float";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TomlValues() {
    }

    /** The tagged JSON of a TOML date or time value. */
    static JsonNode of(TemporalAccessor value) {
        if (value instanceof OffsetDateTime t) {
            return tagged(DATETIME, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t));
        } else if (value instanceof LocalDateTime t) {
            return tagged(DATETIME, DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t));
        } else if (value instanceof LocalDate t) {
            return tagged(DATE, DateTimeFormatter.ISO_LOCAL_DATE.format(t));
        } else if (value instanceof LocalTime t) {
            return tagged(TIME, DateTimeFormatter.ISO_LOCAL_TIME.format(t));
        }
        throw new IllegalArgumentException("not a TOML date or time: " + value);
    }

    /** The tagged JSON of a float that JSON cannot hold. */
    static JsonNode of(double nonFinite) {
        return tagged(FLOAT, Double.isNaN(nonFinite) ? "nan" : nonFinite > 0 ? "inf" : "-inf");
    }

    private static JsonNode tagged(String tag, String text) {
        ObjectNode node = JSON.objectNode();
        node.put(tag, text);
        return node;
    }

    /** The tag and text of a tagged value; empty for any other JSON (a table with one such key included). */
    public static Optional<Map.Entry<String, String>> tagged(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            return Optional.empty();
        }
        var field = node.fields().next();
        boolean known = field.getKey().equals(DATETIME) || field.getKey().equals(DATE)
                || field.getKey().equals(TIME) || field.getKey().equals(FLOAT);
        return known && field.getValue().isTextual()
                ? Optional.of(Map.entry(field.getKey(), field.getValue().textValue()))
                : Optional.empty();
    }

    /**
     * The TOML literal of a tagged value, checked: a text that is not what its tag says is refused.
     *
     * @param field names the value in the error
     */
    static Optional<String> toml(JsonNode node, String field) {
        return tagged(node).map(tag -> {
            String text = tag.getValue();
            try {
                switch (tag.getKey()) {
                    case DATETIME -> {
                        if (!parsesAs(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)) {
                            LocalDateTime.parse(text);
                        }
                    }
                    case DATE -> LocalDate.parse(text);
                    case TIME -> LocalTime.parse(text);
                    default -> {
                        if (!text.equals("inf") && !text.equals("-inf") && !text.equals("nan")) {
                            throw TomlText.inexpressible(field, "is {\"" + FLOAT + "\": \"" + text
                                    + "\"}; the value must be inf, -inf or nan");
                        }
                    }
                }
            } catch (DateTimeParseException e) {
                throw TomlText.inexpressible(field, "is {\"" + tag.getKey() + "\": \"" + text + "\"}, which is not an"
                        + " ISO-8601 " + tag.getKey().substring(1) + " (" + e.getMessage() + ")");
            }
            return text;
        });
    }

    private static boolean parsesAs(String text, DateTimeFormatter format) {
        try {
            format.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}

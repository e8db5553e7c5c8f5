package io.castiron.etl.operator;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as status fields carry them (millisecond precision, UTC). */
public final class Times {
    private Times() {
    }

    public static String now() {
        return format(Instant.now());
    }

    public static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    public static Instant parse(String text) {
        return text == null || text.isBlank() ? null : Instant.parse(text);
    }
}

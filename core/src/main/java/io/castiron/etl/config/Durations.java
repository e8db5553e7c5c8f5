package io.castiron.etl.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the Go-style durations Kubernetes users write: {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 24h}. */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {
    }

    /** @param key names the setting in the error message */
    public static Duration parse(String key, String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException(
                    key + " '" + text + "' is not a duration; write e.g. 500ms, 5s, 1m30s or 24h");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text.trim());
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }
}

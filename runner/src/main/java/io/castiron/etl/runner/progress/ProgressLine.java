package io.castiron.etl.runner.progress;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.castiron.etl.processor.Progress;

/**
 * One line of the progress ("pizza tracker") protocol: {@code PROGRESS 0.4}, {@code PROGRESS 2/5} (spaces around
 * the slash allowed), {@code TASK <text>}, {@code COMMITTED <count>}. Keywords are case-insensitive. Anything
 * else, a fraction outside 0..1, a zero total or a negative count is not an update.
 */
public sealed interface ProgressLine {
    Pattern LINE = Pattern.compile("\\s*([A-Za-z]+)(?:\\s+(.*?))?\\s*");
    Pattern RATIO = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*/\\s*([0-9]+(?:\\.[0-9]+)?)");

    /** Hands this update to {@code progress}. */
    void applyTo(Progress progress);

    record Fraction(double value) implements ProgressLine {
        @Override
        public void applyTo(Progress progress) {
            progress.progress(value);
        }
    }

    record Task(String text) implements ProgressLine {
        @Override
        public void applyTo(Progress progress) {
            progress.task(text);
        }
    }

    record Committed(long count) implements ProgressLine {
        @Override
        public void applyTo(Progress progress) {
            progress.committed(count);
        }
    }

    /** The update a line carries, empty for a malformed or unknown line (including {@code END}). */
    static Optional<ProgressLine> parse(String line) {
        if (line == null) {
            return Optional.empty();
        }
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        String argument = m.group(2) == null ? "" : m.group(2);
        return switch (m.group(1).toUpperCase(Locale.ROOT)) {
            case "PROGRESS" -> fraction(argument).map(Fraction::new);
            case "TASK" -> argument.isEmpty() ? Optional.empty() : Optional.of(new Task(argument));
            case "COMMITTED" -> count(argument).map(Committed::new);
            default -> Optional.empty();
        };
    }

    private static Optional<Double> fraction(String text) {
        double value;
        try {
            Matcher ratio = RATIO.matcher(text);
            if (ratio.matches()) {
                double total = Double.parseDouble(ratio.group(2));
                if (total == 0) {
                    return Optional.empty();
                }
                value = Double.parseDouble(ratio.group(1)) / total;
            } else {
                value = Double.parseDouble(text);
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return value >= 0 && value <= 1 ? Optional.of(value) : Optional.empty();
    }

    private static Optional<Long> count(String text) {
        try {
            long count = Long.parseLong(text);
            return count >= 0 ? Optional.of(count) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

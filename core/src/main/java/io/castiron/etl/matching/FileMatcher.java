package io.castiron.etl.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.castiron.etl.stage.StageLayout;

/**
 * Decides which file names a pipeline handles, from its {@code handled_file_glob}.
 * <p>
 * The glob is a list of alternatives separated by {@code |}; spaces are ignored. An alternative containing
 * {@code *}, {@code ?} or {@code [} is a glob on the whole file name ({@code *_test.tsv}); any other
 * alternative is a literal suffix ({@code .csv} matches {@code a.csv}, not {@code xcsv}). Names that are
 * never data ({@code .keep}, {@code *.toml}, {@code *_error_log_.txt}) match no pipeline.
 */
public final class FileMatcher {
    private final String source;
    private final List<Predicate<String>> alternatives;

    private FileMatcher(String source, List<Predicate<String>> alternatives) {
        this.source = source;
        this.alternatives = alternatives;
    }

    /** Compiles a {@code handled_file_glob}; an empty or malformed one is an error naming the alternative. */
    public static FileMatcher compile(String handledFileGlob) {
        if (handledFileGlob == null || handledFileGlob.isBlank()) {
            throw new IllegalArgumentException("handled_file_glob must not be empty");
        }
        var alternatives = new ArrayList<Predicate<String>>();
        for (String raw : handledFileGlob.replace(" ", "").split("\\|", -1)) {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException(
                        "handled_file_glob '" + handledFileGlob + "' has an empty alternative (check the '|'s)");
            }
            if (isGlob(raw)) {
                Pattern pattern = globToRegex(handledFileGlob, raw);
                alternatives.add(name -> pattern.matcher(name).matches());
            } else {
                alternatives.add(name -> name.endsWith(raw));
            }
        }
        return new FileMatcher(handledFileGlob, List.copyOf(alternatives));
    }

    /** True when the file name (not a path) is data this pipeline handles. */
    public boolean matchesName(String fileName) {
        if (fileName == null || fileName.isEmpty() || fileName.contains("/") || isNeverData(fileName)) {
            return false;
        }
        for (var alternative : alternatives) {
            if (alternative.test(fileName)) {
                return true;
            }
        }
        return false;
    }

    /** Markers, configs and error logs: objects that are never data, whatever a glob says. */
    public static boolean isNeverData(String fileName) {
        return fileName.equals(StageLayout.KEEP_MARKER) || fileName.endsWith(".toml")
                || fileName.endsWith(StageLayout.ERROR_LOG_SUFFIX);
    }

    public String source() {
        return source;
    }

    private static boolean isGlob(String alternative) {
        return alternative.indexOf('*') >= 0 || alternative.indexOf('?') >= 0 || alternative.indexOf('[') >= 0;
    }

    private static Pattern globToRegex(String whole, String glob) {
        var regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        throw new IllegalArgumentException("handled_file_glob '" + whole + "': alternative '" + glob
                                + "' has a '[' without a closing ']'");
                    }
                    String body = glob.substring(i + 1, close);
                    regex.append('[');
                    if (body.startsWith("!")) {
                        regex.append('^');
                        body = body.substring(1);
                    }
                    regex.append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = close;
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return source;
    }
}

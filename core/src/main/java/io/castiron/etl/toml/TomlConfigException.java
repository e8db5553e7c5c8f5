package io.castiron.etl.toml;

/**
 * A pipeline TOML that cannot be used, with where it went wrong: e.g.
 * {@code pipelines/a.toml line 7, key castiron.etl.enabled: expected a boolean, found a string}.
 */
public class TomlConfigException extends IllegalArgumentException {
    private final String sourceName;
    private final int line;
    private final String key;
    private final String reason;

    /**
     * @param line 1-based, or 0 when unknown
     * @param key dotted TOML key, or null when the problem is not about one key (e.g. a syntax error)
     */
    public TomlConfigException(String sourceName, int line, String key, String reason) {
        super(format(sourceName, line, key, reason));
        this.sourceName = sourceName;
        this.line = line;
        this.key = key;
        this.reason = reason;
    }

    private static String format(String sourceName, int line, String key, String reason) {
        var message = new StringBuilder(sourceName);
        if (line > 0) {
            message.append(" line ").append(line);
        }
        if (key != null) {
            message.append(", key ").append(key);
        }
        return message.append(": ").append(reason).toString();
    }

    public String sourceName() {
        return sourceName;
    }

    /** 1-based line of the offending key or table, 0 when unknown. */
    public int line() {
        return line;
    }

    /** The dotted key, or null for problems that belong to no key (syntax errors, an empty document). */
    public String key() {
        return key;
    }

    /** What is wrong, without source, line and key. */
    public String reason() {
        return reason;
    }
}

package io.castiron.etl.toml;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * One TOML table being read: typed getters that fail with the key's line and dotted name, and a record of
 * which keys were read so the rest can be reported as unknown.
 */
final class TomlSection {
    private final String sourceName;
    private final TomlTable table;
    private final List<String> path;
    private final Set<String> read = new HashSet<>();

    TomlSection(String sourceName, TomlTable table, List<String> path) {
        this.sourceName = sourceName;
        this.table = table;
        this.path = List.copyOf(path);
    }

    List<String> pathOf(String key) {
        var keyPath = new ArrayList<>(path);
        keyPath.add(key);
        return keyPath;
    }

    int lineOf(String key) {
        return line(table.inputPositionOf(List.of(key)));
    }

    TomlConfigException error(String key, String reason) {
        return new TomlConfigException(sourceName, lineOf(key), TomlKeys.display(pathOf(key)), reason);
    }

    Optional<String> string(String key) {
        return value(key, String.class);
    }

    Optional<Boolean> bool(String key) {
        return value(key, Boolean.class);
    }

    Optional<Long> integer(String key) {
        return value(key, Long.class);
    }

    /** An integer that fits a Java int (and so the CRD's int32 fields). */
    Optional<Integer> smallInteger(String key) {
        return integer(key).map(n -> {
            if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                throw error(key, "expected an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                        + ", found " + n);
            }
            return n.intValue();
        });
    }

    Optional<TomlSection> table(String key) {
        return value(key, TomlTable.class)
                .map(t -> new TomlSection(sourceName, t, pathOf(key)));
    }

    /** A table whose values must all be strings, in document order. */
    Map<String, String> stringTable(String key) {
        var strings = new LinkedHashMap<String, String>();
        table(key).ifPresent(section -> {
            for (String name : section.table.keySet()) {
                strings.put(name, section.string(name).orElseThrow());
            }
        });
        return strings;
    }

    /** Every value of this table, raw (tomlj types), for tables whose keys are the user's own names. */
    Map<String, Object> entries() {
        var entries = new LinkedHashMap<String, Object>();
        for (String name : table.keySet()) {
            read.add(name);
            entries.put(name, table.get(List.of(name)));
        }
        return entries;
    }

    List<String> stringArray(String key) {
        var strings = new ArrayList<String>();
        value(key, TomlArray.class).ifPresent(array -> {
            for (int i = 0; i < array.size(); i++) {
                Object item = array.get(i);
                if (!(item instanceof String s)) {
                    throw new TomlConfigException(sourceName, line(array.inputPositionOf(i)),
                            TomlKeys.display(pathOf(key)) + "[" + i + "]",
                            "expected a string, found " + typeName(item));
                }
                strings.add(s);
            }
        });
        return strings;
    }

    /** An array of tables ({@code [[a.b]]}), each a section named {@code a.b[i]}. */
    List<TomlSection> tableArray(String key) {
        var sections = new ArrayList<TomlSection>();
        value(key, TomlArray.class).ifPresent(array -> {
            for (int i = 0; i < array.size(); i++) {
                var itemPath = pathOf(key);
                itemPath.add("[" + i + "]");
                int itemLine = line(array.inputPositionOf(i));
                if (!(array.get(i) instanceof TomlTable item)) {
                    throw new TomlConfigException(sourceName, itemLine, TomlKeys.display(itemPath),
                            "expected a table, found " + typeName(array.get(i)));
                }
                sections.add(new TomlSection(sourceName, item, itemPath));
            }
        });
        return sections;
    }

    /** Warnings for the keys nobody read: the original ignored extra keys, so they do not fail. */
    void reportUnknownKeys(List<String> warnings) {
        for (String key : table.keySet()) {
            if (!read.contains(key)) {
                int keyLine = lineOf(key);
                warnings.add(sourceName + (keyLine > 0 ? " line " + keyLine : "") + ": unknown key "
                        + TomlKeys.display(pathOf(key)) + " is ignored");
            }
        }
    }

    private <T> Optional<T> value(String key, Class<T> type) {
        read.add(key);
        Object value = table.get(List.of(key));
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw error(key, "expected " + typeName(type) + ", found " + typeName(value));
        }
        return Optional.of(type.cast(value));
    }

    static int line(TomlPosition position) {
        return position == null ? 0 : position.line();
    }

    static String typeName(Object value) {
        return value == null ? "nothing" : typeName(value.getClass());
    }

    private static String typeName(Class<?> type) {
        if (String.class.isAssignableFrom(type)) {
            return "a string";
        } else if (Boolean.class.isAssignableFrom(type)) {
            return "a boolean";
        } else if (Long.class.isAssignableFrom(type)) {
            return "an integer";
        } else if (Double.class.isAssignableFrom(type)) {
            return "a float";
        } else if (OffsetDateTime.class.isAssignableFrom(type)) {
            return "a date-time";
        } else if (LocalDateTime.class.isAssignableFrom(type)) {
            return "a local date-time";
        } else if (LocalDate.class.isAssignableFrom(type)) {
            return "a date";
        } else if (LocalTime.class.isAssignableFrom(type)) {
            return "a time";
        } else if (TomlArray.class.isAssignableFrom(type)) {
            return "an array";
        } else if (TomlTable.class.isAssignableFrom(type)) {
            return "a table";
        }
        return "a " + type.getSimpleName();
    }
}

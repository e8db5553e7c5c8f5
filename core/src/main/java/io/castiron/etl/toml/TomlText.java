package io.castiron.etl.toml;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** TOML literals for the encoder: strings kept readable (non-ASCII stays as is), JSON values inline. */
final class TomlText {
    private TomlText() {
    }

    /** A basic string; text with line breaks becomes a multi-line string so scripts stay readable. */
    static String string(String value) {
        if (value.indexOf('\n') >= 0) {
            // the line break right after the opening quotes is not part of the value
            return "\"\"\"\n" + escape(value, true) + "\"\"\"";
        }
        return quoted(value);
    }

    /** A single-line basic string: for keys and for values inside inline arrays and tables. */
    static String quoted(String value) {
        return "\"" + escape(value, false) + "\"";
    }

    private static String escape(String value, boolean multiLine) {
        var out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                // in a multi-line string a lone quote may stay as is; escape those that could close it
                case '"' -> out.append(!multiLine || i + 1 == value.length() || value.charAt(i + 1) == '"'
                        ? "\\\"" : "\"");
                case '\n' -> out.append(multiLine ? "\n" : "\\n");
                case '\t' -> out.append(multiLine ? "\t" : "\\t");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A JSON value as an inline TOML value.
     *
     * @param field names the value in the error when TOML cannot hold it (null, non-finite or huge numbers)
     */
    static String json(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw inexpressible(field, "is null, and TOML has no null; remove it or give it a value");
        }
        if (node.isTextual()) {
            return quoted(node.textValue());
        }
        if (node.isBoolean()) {
            return String.valueOf(node.booleanValue());
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw inexpressible(field, "is " + node.asText() + ", larger than a TOML integer (64 bits) can hold");
            }
            return String.valueOf(node.longValue());
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (!Double.isFinite(d)) {
                throw inexpressible(field, "is " + d + ", which JSON cannot hold");
            }
            return Double.toString(d);
        }
        if (node.isArray()) {
            var out = new StringBuilder("[");
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(json(node.get(i), field + "[" + i + "]"));
            }
            return out.append(']').toString();
        }
        var tagged = TomlValues.toml(node, field);
        if (tagged.isPresent()) {
            return tagged.get();
        }
        if (node.isObject()) {
            if (node.isEmpty()) {
                return "{}";
            }
            var out = new StringBuilder("{ ");
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                var entry = fields.next();
                out.append(TomlKeys.key(entry.getKey())).append(" = ")
                        .append(json(entry.getValue(), field + "." + entry.getKey()))
                        .append(fields.hasNext() ? ", " : " }");
            }
            return out.toString();
        }
        throw inexpressible(field, "holds a " + node.getNodeType() + " value, which TOML cannot express");
    }

    static IllegalArgumentException inexpressible(String field, String why) {
        return new IllegalArgumentException("spec." + field + " " + why);
    }
}

package io.castiron.etl.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Checks a document against a CRD's structural openAPIV3Schema the way the API server would before storing it:
 * types, unknown fields (outside {@code x-kubernetes-preserve-unknown-fields}), required, enum, pattern,
 * minimum/maximum, lengths, items, additionalProperties, {@code x-kubernetes-int-or-string}.
 * CEL rules ({@code x-kubernetes-validations}) are not evaluated; PipelineValidation covers them.
 */
public final class CrdSchemaCheck {
    public static final Path PIPELINE_CRD = Path.of("..", "crds", "etlpipelines.etl.castiron.io-v1.yml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The API server accepts these at the root of every object whatever the schema lists. */
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private final JsonNode schema;

    private CrdSchemaCheck(JsonNode schema) {
        this.schema = schema;
    }

    /** The schema of the CRD file's first version. */
    public static CrdSchemaCheck of(Path crdFile) {
        try {
            JsonNode crd = YAML.readTree(crdFile.toFile());
            return new CrdSchemaCheck(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bare openAPIV3Schema, e.g. to test the checker itself. */
    public static CrdSchemaCheck ofSchema(JsonNode openApiV3Schema) {
        return new CrdSchemaCheck(openApiV3Schema);
    }

    public static CrdSchemaCheck pipeline() {
        return of(PIPELINE_CRD);
    }

    /** Problems with a YAML or JSON document, each starting with its JSON path ({@code $.spec.stages}). */
    public List<String> problems(String yaml) {
        try {
            return problems(YAML.readTree(yaml));
        } catch (IOException e) {
            return List.of("$: not YAML: " + e.getMessage());
        }
    }

    public List<String> problems(JsonNode document) {
        var problems = new ArrayList<String>();
        if (!document.isObject()) {
            problems.add("$: expected an object");
            return problems;
        }
        if (!document.path("metadata").path("name").isTextual()) {
            problems.add("$.metadata.name: required");
        }
        check(schema, document, "$", true, problems);
        return problems;
    }

    private void check(JsonNode schema, JsonNode value, String path, boolean root, List<String> problems) {
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(path + ": null is not allowed here (the API server drops it)");
            }
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                problems.add(path + ": expected an integer or a string, found " + kind(value));
            }
            return;
        }
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            problems.add(path + ": expected " + type + ", found " + kind(value));
            return;
        }
        checkScalar(schema, value, path, problems);
        if (value.isArray() && schema.has("items")) {
            checkLength(schema, "minItems", "maxItems", value.size(), path, problems);
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "[" + i + "]", false, problems);
            }
        }
        if (value.isObject()) {
            checkObject(schema, value, path, root, problems);
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String path, boolean root, List<String> problems) {
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(path + "." + required.asText() + ": required");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext();) {
            var field = fields.next();
            String fieldPath = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), fieldPath, false, problems);
            } else if (additional.isObject()) {
                check(additional, field.getValue(), fieldPath, false, problems);
            } else if (root && ROOT_FIELDS.contains(field.getKey())) {
                continue;
            } else if (!preserveUnknown && !additional.asBoolean(false)) {
                problems.add(fieldPath + ": unknown field (the API server would drop it)");
            }
        }
    }

    private static void checkScalar(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isTextual()) {
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
                problems.add(path + ": '" + value.asText() + "' does not match " + schema.get("pattern").asText());
            }
            checkLength(schema, "minLength", "maxLength", value.asText().length(), path, problems);
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
                problems.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
                problems.add(path + ": " + value + " is above the maximum " + schema.get("maximum"));
            }
        }
    }

    private static void checkLength(JsonNode schema, String min, String max, int length, String path,
            List<String> problems) {
        if (schema.has(min) && length < schema.get(min).asInt()) {
            problems.add(path + ": shorter than " + min + " " + schema.get(min));
        }
        if (schema.has(max) && length > schema.get(max).asInt()) {
            problems.add(path + ": longer than " + max + " " + schema.get(max));
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static String kind(JsonNode value) {
        return value.getNodeType().name().toLowerCase();
    }
}

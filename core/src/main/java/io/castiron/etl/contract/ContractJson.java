package io.castiron.etl.contract;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.api.v1alpha1.ShellProcessor;
import io.castiron.etl.api.v1alpha1.Stages;

/**
 * Reads the contract's JSON variables ({@link JobContract#STAGES_JSON}, {@link JobContract#PROCESSOR_JSON}) with
 * Jackson's streaming parser. The operator writes them with an ObjectMapper; the runner reads them here because a
 * mapper's first bean deserializers (annotation introspection of the CRD classes) cost a Job about a tenth of a
 * second of CPU before its processor starts. Like the mapper, it rejects unknown fields and values of the wrong type;
 * JobContractTest checks that it reads back every field the mapper writes.
 */
final class ContractJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ContractJson() {
    }

    /** A JSON object's reader: sets one field of the value being read from the parser positioned on its value. */
    private interface FieldReader<T> {
        /** False when {@code field} is no field of {@code T}. */
        boolean read(T value, String field, JsonParser parser) throws IOException;
    }

    static Stages stages(String json) throws IOException {
        return document(json, "Stages", p -> object(p, "Stages", new Stages(), (stages, field, value) -> {
            switch (field) {
                case "inbox" -> stages.setInbox(string(value, field));
                case "processing" -> stages.setProcessing(string(value, field));
                case "archive" -> stages.setArchive(string(value, field));
                case "error" -> stages.setError(string(value, field));
                case "canceled" -> stages.setCanceled(string(value, field));
                default -> {
                    return false;
                }
            }
            return true;
        }));
    }

    /** The files of a batch after its first ({@link JobContract#BATCH_JSON}); each names all four fields. */
    static List<JobContract.BatchFile> batch(String json) throws IOException {
        return document(json, "batch", p -> {
            expect(p, JsonToken.START_ARRAY, JobContract.BATCH_JSON, "an array");
            var files = new ArrayList<JobContract.BatchFile>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                var fields = new String[4];
                object(p, "batch file", fields, (f, field, value) -> {
                    int i = switch (field) {
                        case "fileId" -> 0;
                        case "etlFileName" -> 1;
                        case "processingKey" -> 2;
                        case "originalName" -> 3;
                        default -> -1;
                    };
                    if (i >= 0) {
                        f[i] = string(value, field);
                    }
                    return i >= 0;
                });
                for (String f : fields) {
                    if (f == null || f.isBlank()) {
                        throw new JsonParseException(p, "batch file " + files.size()
                                + " needs fileId, etlFileName, processingKey and originalName");
                    }
                }
                files.add(new JobContract.BatchFile(fields[0], fields[1], fields[2], fields[3]));
            }
            return files;
        });
    }

    static Processor processor(String json) throws IOException {
        return document(json, "Processor", p -> object(p, "Processor", new Processor(), (processor, field, value) -> {
            switch (field) {
                case "python" -> processor.setPython(object(value, field, new PythonProcessor(), ContractJson::python));
                case "java" -> processor.setJava(object(value, field, new JavaProcessor(), ContractJson::java));
                case "shell" -> processor.setShell(object(value, field, new ShellProcessor(), (shell, name, v) -> {
                    if (!name.equals("script")) {
                        return false;
                    }
                    shell.setScript(string(v, name));
                    return true;
                }));
                default -> {
                    return false;
                }
            }
            return true;
        }));
    }

    private static boolean python(PythonProcessor python, String field, JsonParser value) throws IOException {
        switch (field) {
            case "workerRunMethod" -> python.setWorkerRunMethod(string(value, field));
            case "workerClass" -> python.setWorkerClass(string(value, field));
            case "workerSetupMethod" -> python.setWorkerSetupMethod(string(value, field));
            case "supportsMetadata" -> python.setSupportsMetadata(bool(value, field));
            case "supportsPizzaTracker" -> python.setSupportsPizzaTracker(bool(value, field));
            default -> {
                return kwargs(field, value, python.getStaticKwargs(), python.getEnvironmentKwargs());
            }
        }
        return true;
    }

    private static boolean java(JavaProcessor java, String field, JsonParser value) throws IOException {
        switch (field) {
            case "className" -> java.setClassName(string(value, field));
            default -> {
                return kwargs(field, value, java.getStaticKwargs(), java.getEnvironmentKwargs());
            }
        }
        return true;
    }

    /** The kwargs fields Python and Java processors share; false for any other field. */
    private static boolean kwargs(String field, JsonParser value, Map<String, JsonNode> staticKwargs,
            Map<String, String> environmentKwargs) throws IOException {
        switch (field) {
            case "staticKwargs" -> object(value, field, staticKwargs, (into, name, v) -> {
                into.put(name, node(v));
                return true;
            });
            case "environmentKwargs" -> object(value, field, environmentKwargs, (into, name, v) -> {
                into.put(name, string(v, field + "." + name));
                return true;
            });
            default -> {
                return false;
            }
        }
        return true;
    }

    private interface Body<T> {
        T read(JsonParser parser) throws IOException;
    }

    /** The one value of {@code json}; JSON null is null. */
    private static <T> T document(String json, String type, Body<T> body) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() == null) {
                throw new JsonParseException(parser, "no content");
            }
            T value = body.read(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing content after the " + type + " object");
            }
            return value;
        }
    }

    /** Fills {@code value} from the object the parser is on; null for JSON null. */
    private static <T> T object(JsonParser parser, String name, T value, FieldReader<T> fields) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(parser, JsonToken.START_OBJECT, name, "an object");
        String field;
        while ((field = parser.nextFieldName()) != null) {
            parser.nextToken();
            if (!fields.read(value, field, parser)) {
                throw new JsonParseException(parser, "unknown field '" + field + "' in " + name);
            }
        }
        return value;
    }

    private static String string(JsonParser parser, String name) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(parser, JsonToken.VALUE_STRING, name, "a string");
        return parser.getText();
    }

    private static Boolean bool(JsonParser parser, String name) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> throw new JsonParseException(parser, "'" + name + "' must be true or false, not "
                    + parser.getText());
        };
    }

    /** Any JSON value as the tree node an ObjectMapper reads it as. */
    private static JsonNode node(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                return object(parser, "object", NODES.objectNode(), (object, field, value) -> {
                    object.set(field, node(value));
                    return true;
                });
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(parser));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(parser.getBooleanValue());
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(parser, "unexpected " + parser.currentToken());
        }
    }

    private static void expect(JsonParser parser, JsonToken token, String name, String what) throws IOException {
        if (parser.currentToken() != token) {
            throw new JsonParseException(parser, "'" + name + "' must be " + what + ", not " + parser.getText());
        }
    }
}

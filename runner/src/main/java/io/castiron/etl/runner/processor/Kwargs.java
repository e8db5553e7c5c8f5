package io.castiron.etl.runner.processor;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** A processor's kwargs: the static ones, each overridden by its environment kwarg when that variable is set. */
final class Kwargs {
    private Kwargs() {
    }

    static Map<String, JsonNode> resolve(Map<String, JsonNode> staticKwargs, Map<String, String> environmentKwargs,
            Map<String, String> environment) {
        var kwargs = new LinkedHashMap<String, JsonNode>();
        if (staticKwargs != null) {
            kwargs.putAll(staticKwargs);
        }
        if (environmentKwargs != null) {
            environmentKwargs.forEach((name, variable) -> {
                String value = environment.get(variable);
                if (value != null) {
                    kwargs.put(name, TextNode.valueOf(value));
                }
            });
        }
        return kwargs;
    }
}

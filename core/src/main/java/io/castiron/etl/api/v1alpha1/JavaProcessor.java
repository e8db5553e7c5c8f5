package io.castiron.etl.api.v1alpha1;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.generator.annotation.Required;

/** A class on the runner's classpath implementing the project's processor interface. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"className", "staticKwargs", "environmentKwargs"})
public class JavaProcessor {
    @JsonPropertyDescription("Fully qualified class name, e.g. com.example.CsvPrinter.")
    @Required
    private String className;

    @JsonPropertyDescription("Named arguments (any JSON values) passed to the processor.")
    private Map<String, JsonNode> staticKwargs = new LinkedHashMap<>();

    @JsonPropertyDescription("Argument name -> environment variable name; a set variable overrides the static kwarg.")
    private Map<String, String> environmentKwargs = new LinkedHashMap<>();

    public JavaProcessor() {
    }

    public JavaProcessor(String className) {
        this.className = className;
    }

    public String getClassName() {
        return className;
    }

    public void setClassName(String className) {
        this.className = className;
    }

    public Map<String, JsonNode> getStaticKwargs() {
        return staticKwargs;
    }

    public void setStaticKwargs(Map<String, JsonNode> staticKwargs) {
        this.staticKwargs = staticKwargs;
    }

    public Map<String, String> getEnvironmentKwargs() {
        return environmentKwargs;
    }

    public void setEnvironmentKwargs(Map<String, String> environmentKwargs) {
        this.environmentKwargs = environmentKwargs;
    }
}

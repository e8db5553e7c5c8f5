package io.castiron.etl.api.v1alpha1;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.generator.annotation.Required;

/** The original tool's {@code [castiron.etl.python]} table. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"workerRunMethod", "workerClass", "workerSetupMethod", "supportsMetadata",
        "supportsPizzaTracker", "staticKwargs", "environmentKwargs"})
public class PythonProcessor {
    @JsonPropertyDescription("Absolute import path of the function (or, with workerClass, the method name), e.g. my_pkg.csv.process.")
    @Required
    private String workerRunMethod;

    @JsonPropertyDescription("Absolute import path of a class to instantiate; workerRunMethod is then a method of it.")
    private String workerClass;

    @JsonPropertyDescription("Method of workerClass called once with the kwargs before workerRunMethod.")
    private String workerSetupMethod;

    @JsonPropertyDescription("Pass the object's metadata as file_metadata.")
    private Boolean supportsMetadata;

    @JsonPropertyDescription("Pass pizza_tracker (progress pipe path) and pizza_job_id.")
    private Boolean supportsPizzaTracker;

    @JsonPropertyDescription("Named arguments (any JSON values) passed to the function.")
    private Map<String, JsonNode> staticKwargs = new LinkedHashMap<>();

    @JsonPropertyDescription("Argument name -> environment variable name; a set variable overrides the static kwarg.")
    private Map<String, String> environmentKwargs = new LinkedHashMap<>();

    public PythonProcessor() {
    }

    public PythonProcessor(String workerRunMethod) {
        this.workerRunMethod = workerRunMethod;
    }

    public String getWorkerRunMethod() {
        return workerRunMethod;
    }

    public void setWorkerRunMethod(String workerRunMethod) {
        this.workerRunMethod = workerRunMethod;
    }

    public String getWorkerClass() {
        return workerClass;
    }

    public void setWorkerClass(String workerClass) {
        this.workerClass = workerClass;
    }

    public String getWorkerSetupMethod() {
        return workerSetupMethod;
    }

    public void setWorkerSetupMethod(String workerSetupMethod) {
        this.workerSetupMethod = workerSetupMethod;
    }

    public Boolean getSupportsMetadata() {
        return supportsMetadata;
    }

    public void setSupportsMetadata(Boolean supportsMetadata) {
        this.supportsMetadata = supportsMetadata;
    }

    public Boolean getSupportsPizzaTracker() {
        return supportsPizzaTracker;
    }

    public void setSupportsPizzaTracker(Boolean supportsPizzaTracker) {
        this.supportsPizzaTracker = supportsPizzaTracker;
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

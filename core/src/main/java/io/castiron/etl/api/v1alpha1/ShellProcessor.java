package io.castiron.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** A script run by {@code sh}; the data file's path is in {@code ETL_FILENAME}, never in the script text. */
public class ShellProcessor {
    @JsonPropertyDescription("Script text run by sh. Exit code 0 = success, 75 = temporary failure (retry).")
    @Required
    private String script;

    public ShellProcessor() {
    }

    public ShellProcessor(String script) {
        this.script = script;
    }

    public String getScript() {
        return script;
    }

    public void setScript(String script) {
        this.script = script;
    }
}

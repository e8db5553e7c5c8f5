package io.castiron.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** The stage folders, relative to the pipeline's prefix. Leading and trailing slashes are tolerated. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"inbox", "processing", "archive", "error", "canceled"})
public class Stages {
    public static final String DEFAULT_CANCELED = "05_canceled";

    @JsonPropertyDescription("New files are dropped here.")
    @Required
    private String inbox;

    @JsonPropertyDescription("Files being processed, renamed <fileId>-<name>.")
    @Required
    private String processing;

    @JsonPropertyDescription("Successfully processed files. Optional: without it a processed file is deleted from processing.")
    private String archive;

    @JsonPropertyDescription("Files whose processing failed (and their error logs).")
    @Required
    private String error;

    @JsonPropertyDescription("Files whose processing was cancelled.")
    @Default(DEFAULT_CANCELED)
    private String canceled = DEFAULT_CANCELED;

    public Stages() {
    }

    public Stages(String inbox, String processing, String archive, String error, String canceled) {
        this.inbox = inbox;
        this.processing = processing;
        this.archive = archive;
        this.error = error;
        this.canceled = canceled;
    }

    public String getInbox() {
        return inbox;
    }

    public void setInbox(String inbox) {
        this.inbox = inbox;
    }

    public String getProcessing() {
        return processing;
    }

    public void setProcessing(String processing) {
        this.processing = processing;
    }

    public String getArchive() {
        return archive;
    }

    public void setArchive(String archive) {
        this.archive = archive;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    public String getCanceled() {
        return canceled;
    }

    public void setCanceled(String canceled) {
        this.canceled = canceled;
    }

    @Override
    public String toString() {
        return "Stages{inbox=" + inbox + ", processing=" + processing + ", archive=" + archive + ", error=" + error
                + ", canceled=" + canceled + "}";
    }
}

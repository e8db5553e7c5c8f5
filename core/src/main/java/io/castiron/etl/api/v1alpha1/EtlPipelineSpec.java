package io.castiron.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"enabled", "bucket", "prefix", "handledFileGlob", "stages", "saveErrorLog", "processor",
        "runner", "maxConcurrentJobs", "pollInterval", "retention"})
public class EtlPipelineSpec {
    public static final String DEFAULT_BUCKET = "etl";
    public static final int DEFAULT_MAX_CONCURRENT_JOBS = 4;
    public static final int MAX_CONCURRENT_JOBS_LIMIT = 10000;
    public static final String DEFAULT_POLL_INTERVAL = "5s";
    public static final String DEFAULT_RETENTION = "24h";
    /** A Go-style duration: one or more number+unit pairs (ms, s, m, h). */
    public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h))+$";

    @JsonPropertyDescription("Whether the pipeline claims new files. A disabled pipeline claims nothing.")
    @Default("true")
    private Boolean enabled = true;

    @JsonPropertyDescription("Object-store bucket that holds the stage folders.")
    @Default(DEFAULT_BUCKET)
    private String bucket = DEFAULT_BUCKET;

    @JsonPropertyDescription("Folder the stage folders are relative to (for a TOML file in the config bucket: the file's folder). Empty = bucket root.")
    @Default("")
    private String prefix = "";

    @JsonPropertyDescription("Which file names this pipeline handles: '|'-separated alternatives; an alternative with *, ? or [ is a glob on the file name, otherwise a literal suffix.")
    @Required
    private String handledFileGlob;

    @Required
    private Stages stages = new Stages();

    @JsonPropertyDescription("Upload <name>_error_log_.txt beside a failed file.")
    @Default("false")
    private Boolean saveErrorLog = false;

    @Required
    private Processor processor = new Processor();

    private RunnerSpec runner;

    @JsonPropertyDescription("At most this many Jobs of this pipeline run at once; the rest wait in phase Queued.")
    @Min(1)
    @Max(MAX_CONCURRENT_JOBS_LIMIT)
    @Default("4")
    private Integer maxConcurrentJobs = DEFAULT_MAX_CONCURRENT_JOBS;

    @JsonPropertyDescription("How often the inbox is listed, e.g. 5s, 500ms, 1m.")
    @Pattern(DURATION_PATTERN)
    @Default(DEFAULT_POLL_INTERVAL)
    private String pollInterval = DEFAULT_POLL_INTERVAL;

    @JsonPropertyDescription("How long finished EtlFiles (and their Jobs) are kept, e.g. 24h. PostgreSQL keeps the history.")
    @Pattern(DURATION_PATTERN)
    @Default(DEFAULT_RETENTION)
    private String retention = DEFAULT_RETENTION;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getHandledFileGlob() {
        return handledFileGlob;
    }

    public void setHandledFileGlob(String handledFileGlob) {
        this.handledFileGlob = handledFileGlob;
    }

    public Stages getStages() {
        return stages;
    }

    public void setStages(Stages stages) {
        this.stages = stages;
    }

    public Boolean getSaveErrorLog() {
        return saveErrorLog;
    }

    public void setSaveErrorLog(Boolean saveErrorLog) {
        this.saveErrorLog = saveErrorLog;
    }

    public Processor getProcessor() {
        return processor;
    }

    public void setProcessor(Processor processor) {
        this.processor = processor;
    }

    public RunnerSpec getRunner() {
        return runner;
    }

    public void setRunner(RunnerSpec runner) {
        this.runner = runner;
    }

    public Integer getMaxConcurrentJobs() {
        return maxConcurrentJobs;
    }

    public void setMaxConcurrentJobs(Integer maxConcurrentJobs) {
        this.maxConcurrentJobs = maxConcurrentJobs;
    }

    public String getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(String pollInterval) {
        this.pollInterval = pollInterval;
    }

    public String getRetention() {
        return retention;
    }

    public void setRetention(String retention) {
        this.retention = retention;
    }

    @Override
    public String toString() {
        return "EtlPipelineSpec{bucket=" + bucket + ", prefix=" + prefix + ", glob=" + handledFileGlob + ", stages="
                + stages + ", processor=" + processor + "}";
    }
}

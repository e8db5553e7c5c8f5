package io.castiron.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EtlFileStatus {
    private FilePhase phase;

    @JsonPropertyDescription("File id (uuid): the PostgreSQL row id and the Kafka job_id.")
    private String fileId;

    @JsonPropertyDescription("Object key the file is at now.")
    private String currentKey;

    private String jobName;

    @JsonPropertyDescription("How many times a runner started on this file.")
    private Integer attempts;

    @JsonPropertyDescription("0..1, as the processor last reported.")
    @Min(0)
    @Max(1)
    private Double progress;

    @JsonPropertyDescription("What the processor last said it is doing.")
    private String task;

    @JsonPropertyDescription("Records the processor last said it committed.")
    private Long committed;

    @JsonPropertyDescription("When the file was staged and began waiting for a Job slot (RFC 3339); the queue is FIFO by it.")
    private String queuedTime;

    private String startTime;

    private String completionTime;

    @JsonPropertyDescription("Short machine-readable cause of the last transition, e.g. ProcessorFailed, DeadlineExceeded.")
    private String reason;

    @JsonPropertyDescription("What happened, in plain words.")
    private String message;

    private Long observedGeneration;

    @JsonPropertyDescription("Set by the runner of a batch (runner.filesPerJob) when it is done with this file,"
            + " before the batch ends: Processed or ProcessorFailed. The operator then records the phase.")
    private String runnerOutcome;

    public FilePhase getPhase() {
        return phase;
    }

    public void setPhase(FilePhase phase) {
        this.phase = phase;
    }

    public String getFileId() {
        return fileId;
    }

    public void setFileId(String fileId) {
        this.fileId = fileId;
    }

    public String getCurrentKey() {
        return currentKey;
    }

    public void setCurrentKey(String currentKey) {
        this.currentKey = currentKey;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public Integer getAttempts() {
        return attempts;
    }

    public void setAttempts(Integer attempts) {
        this.attempts = attempts;
    }

    public Double getProgress() {
        return progress;
    }

    public void setProgress(Double progress) {
        this.progress = progress;
    }

    public String getTask() {
        return task;
    }

    public void setTask(String task) {
        this.task = task;
    }

    public Long getCommitted() {
        return committed;
    }

    public void setCommitted(Long committed) {
        this.committed = committed;
    }

    public String getQueuedTime() {
        return queuedTime;
    }

    public void setQueuedTime(String queuedTime) {
        this.queuedTime = queuedTime;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getRunnerOutcome() {
        return runnerOutcome;
    }

    public void setRunnerOutcome(String runnerOutcome) {
        this.runnerOutcome = runnerOutcome;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}

package io.castiron.etl.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EtlPipelineStatus {
    public static final String CONDITION_READY = "Ready";
    public static final String CONDITION_BUCKETS_READY = "BucketsReady";
    /** Whether the pipeline's runner pods can start: its ServiceAccount exists, no pod waits on a missing Secret. */
    public static final String CONDITION_RUNNERS_READY = "RunnersReady";

    private Long observedGeneration;

    @JsonPropertyDescription("Ready: the pipeline claims files. BucketsReady: the bucket and every stage folder exist.")
    private List<Condition> conditions = new ArrayList<>();

    private Integer queued;
    private Integer running;
    private Integer succeeded;
    private Integer failed;
    private Integer canceled;

    @JsonPropertyDescription("When the inbox was last listed (RFC 3339).")
    private String lastScanTime;

    @JsonPropertyDescription("What is wrong, in plain words, when the pipeline is not Ready.")
    private String message;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Integer getQueued() {
        return queued;
    }

    public void setQueued(Integer queued) {
        this.queued = queued;
    }

    public Integer getRunning() {
        return running;
    }

    public void setRunning(Integer running) {
        this.running = running;
    }

    public Integer getSucceeded() {
        return succeeded;
    }

    public void setSucceeded(Integer succeeded) {
        this.succeeded = succeeded;
    }

    public Integer getFailed() {
        return failed;
    }

    public void setFailed(Integer failed) {
        this.failed = failed;
    }

    public Integer getCanceled() {
        return canceled;
    }

    public void setCanceled(Integer canceled) {
        this.canceled = canceled;
    }

    public String getLastScanTime() {
        return lastScanTime;
    }

    public void setLastScanTime(String lastScanTime) {
        this.lastScanTime = lastScanTime;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}

package io.castiron.etl.api.v1alpha1;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;

/** How each file's Job runs. Unset fields take the operator's defaults. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"image", "imagePullPolicy", "serviceAccountName", "activeDeadlineSeconds", "startTimeoutSeconds",
        "backoffLimit", "filesPerJob",
        "resources", "env", "envFrom", "nodeSelector", "tolerations", "podSecurityContext", "securityContext"})
public class RunnerSpec {
    /** The most files one Job may take: their list travels in one environment variable of the Job. */
    public static final int MAX_FILES_PER_JOB = 100;

    @JsonPropertyDescription("Runner image; default: the operator's configured runner image.")
    private String image;

    @JsonPropertyDescription("Always, IfNotPresent or Never.")
    private String imagePullPolicy;

    private String serviceAccountName;

    @JsonPropertyDescription("Seconds a Job may run before Kubernetes stops it (the file then goes to error).")
    @Min(1)
    private Long activeDeadlineSeconds;

    @JsonPropertyDescription("Seconds a Job may wait for its runner to start (image pull, scheduling, its Secret)"
            + " before the file goes to error; default: the operator's setting (5 minutes).")
    @Min(1)
    private Long startTimeoutSeconds;

    @JsonPropertyDescription("Retries of a Job whose runner failed for a temporary or infrastructure reason.")
    @Min(0)
    private Integer backoffLimit;

    @JsonPropertyDescription("Files one Job takes from the pipeline's queue and processes one after another in one"
            + " runner (one JVM, one Python interpreter); default 1: a Job per file.")
    @Min(1)
    @Max(MAX_FILES_PER_JOB)
    private Integer filesPerJob;

    private ResourceRequirements resources;

    private List<EnvVar> env = new ArrayList<>();

    private List<EnvFromSource> envFrom = new ArrayList<>();

    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    private List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("Replaces the pod's default security context (non-root, seccomp RuntimeDefault).")
    private PodSecurityContext podSecurityContext;

    @JsonPropertyDescription("Replaces the runner container's default security context (no privilege escalation, read-only root filesystem, all capabilities dropped).")
    private SecurityContext securityContext;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public String getServiceAccountName() {
        return serviceAccountName;
    }

    public void setServiceAccountName(String serviceAccountName) {
        this.serviceAccountName = serviceAccountName;
    }

    public Long getActiveDeadlineSeconds() {
        return activeDeadlineSeconds;
    }

    public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
        this.activeDeadlineSeconds = activeDeadlineSeconds;
    }

    public Long getStartTimeoutSeconds() {
        return startTimeoutSeconds;
    }

    public void setStartTimeoutSeconds(Long startTimeoutSeconds) {
        this.startTimeoutSeconds = startTimeoutSeconds;
    }

    public Integer getBackoffLimit() {
        return backoffLimit;
    }

    public void setBackoffLimit(Integer backoffLimit) {
        this.backoffLimit = backoffLimit;
    }

    public Integer getFilesPerJob() {
        return filesPerJob;
    }

    public void setFilesPerJob(Integer filesPerJob) {
        this.filesPerJob = filesPerJob;
    }

    /** How many files one Job takes: {@link #getFilesPerJob()}, 1 when unset. */
    public static int filesPerJob(RunnerSpec runner) {
        return runner == null || runner.getFilesPerJob() == null ? 1 : runner.getFilesPerJob();
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public List<EnvFromSource> getEnvFrom() {
        return envFrom;
    }

    public void setEnvFrom(List<EnvFromSource> envFrom) {
        this.envFrom = envFrom;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public PodSecurityContext getPodSecurityContext() {
        return podSecurityContext;
    }

    public void setPodSecurityContext(PodSecurityContext podSecurityContext) {
        this.podSecurityContext = podSecurityContext;
    }

    public SecurityContext getSecurityContext() {
        return securityContext;
    }

    public void setSecurityContext(SecurityContext securityContext) {
        this.securityContext = securityContext;
    }
}

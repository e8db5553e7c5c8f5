package io.castiron.etl.operator;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/** Reading a Job's outcome from its status conditions. */
public final class Jobs {
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";

    private Jobs() {
    }

    /** The EtlFile names a Job processes, in order: its own name, or the files of its batch. */
    public static List<String> files(Job job) {
        var annotations = job.getMetadata().getAnnotations();
        String batch = annotations == null ? null : annotations.get(Labels.BATCH_FILES);
        return batch == null ? List.of(job.getMetadata().getName()) : Arrays.asList(batch.split(","));
    }

    /** Whether the Job takes a batch of files, not one. */
    public static boolean isBatch(Job job) {
        var annotations = job.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(Labels.BATCH_FILES);
    }

    public static boolean isActive(Job job) {
        return condition(job, COMPLETE).isEmpty() && condition(job, FAILED).isEmpty();
    }

    public static boolean succeeded(Job job) {
        return condition(job, COMPLETE).isPresent();
    }

    public static Optional<JobCondition> failed(Job job) {
        return condition(job, FAILED);
    }

    /**
     * The runner attempt the Job is on: 1 from the Job's creation (its first pod is on the way), then one more for
     * each pod that failed. Counting the first attempt before the Job controller reports it saves a status write per
     * file (Running with 0 attempts, then again with 1).
     */
    public static int attempts(Job job) {
        var s = job.getStatus();
        if (s == null) {
            return 1;
        }
        return Math.max(1, zero(s.getActive()) + zero(s.getSucceeded()) + zero(s.getFailed()));
    }

    private static int zero(Integer value) {
        return value == null ? 0 : value;
    }

    /** A loop, not a stream: admission asks this of every Job of a pipeline on each of its reconciles. */
    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (JobCondition c : job.getStatus().getConditions()) {
            if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}

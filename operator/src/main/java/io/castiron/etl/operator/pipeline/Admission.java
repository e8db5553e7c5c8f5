package io.castiron.etl.operator.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.operator.Metrics;
import io.castiron.etl.operator.Times;
import io.castiron.etl.operator.job.JobFactory;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Launches Jobs for a pipeline's queued files, first in first out by queue time, while fewer than
 * {@code maxConcurrentJobs} of its Jobs are active. Runs inside the pipeline's reconcile, which the operator SDK
 * never runs twice at once for one pipeline, so two admissions cannot both take the last slot. It is triggered by
 * the events that change the answer (a file queued, a Job finished), not by a timer over the queue.
 */
@ApplicationScoped
public class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class);

    @Inject
    JobFactory jobFactory;

    @Inject
    Metrics metrics;

    /** How long a launched Job may stay out of the informer before it is no longer counted (it was deleted). */
    private static final Duration UNSEEN_FOR_AT_MOST = Duration.ofMinutes(2);

    public record Result(int queued, int active, int launched) {
    }

    /**
     * Per pipeline, Jobs this operator created that its informer has not shown yet (name -> when): they count as
     * active, so a reconcile right after a launch cannot take the same slot twice.
     */
    private final Map<String, Map<String, Instant>> unseen = new ConcurrentHashMap<>();

    public Result admit(EtlPipeline pipeline, Collection<EtlFile> files, Collection<Job> jobs,
            Context<EtlPipeline> context, InformerEventSource<Job, EtlPipeline> jobSource) {
        Set<String> jobNames = jobs.stream().map(j -> j.getMetadata().getName()).collect(Collectors.toSet());
        int active = (int) jobs.stream().filter(Jobs::isActive).count();
        String key = EtlPipelineReconciler.pipelineKey(pipeline);
        Map<String, Instant> launched = unseen.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        Instant forgetBefore = Instant.now().minus(UNSEEN_FOR_AT_MOST);
        launched.entrySet().removeIf(e -> jobNames.contains(e.getKey()) || e.getValue().isBefore(forgetBefore));
        jobNames.addAll(launched.keySet());
        active += launched.size();
        var queue = files.stream()
                .filter(f -> f.getStatus() != null && f.getStatus().getPhase() == FilePhase.Queued)
                .filter(f -> !f.isCancelRequested())
                .filter(f -> !jobNames.contains(f.getMetadata().getName()))
                .sorted(Comparator.comparing((EtlFile f) -> f.getStatus().getQueuedTime(),
                        Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(f -> f.getMetadata().getName()))
                .toList();
        int slots = Math.max(0, pipeline.getSpec().getMaxConcurrentJobs() - active);
        int started = 0;
        for (EtlFile file : queue.subList(0, Math.min(slots, queue.size()))) {
            boolean created = launch(pipeline, file, context, jobSource);
            // Created now, or already there (AlreadyExists): either way a Job the informer has yet to show.
            launched.put(file.getMetadata().getName(), Instant.now());
            if (created) {
                started++;
            }
        }
        if (launched.isEmpty()) {
            unseen.remove(key);
        }
        return new Result(queue.size() - started, active + started, started);
    }

    private boolean launch(EtlPipeline pipeline, EtlFile file, Context<EtlPipeline> context,
            InformerEventSource<Job, EtlPipeline> jobSource) {
        String namespace = file.getMetadata().getNamespace();
        var contract = JobContract.of(file.getStatus().getFileId(), file.getMetadata().getName(), namespace,
                pipeline.getMetadata().getName(), pipeline.getSpec(), file.getStatus().getCurrentKey(),
                file.getSpec().getOriginalName());
        Job job = jobFactory.build(file, pipeline, contract);
        try {
            context.resourceOperations().create(job, jobSource);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
        LOG.infof("pipeline %s/%s: file %s (%s) launched Job %s", namespace, pipeline.getMetadata().getName(),
                contract.fileId(), contract.processingKey(), job.getMetadata().getName());
        Instant claimed = Times.parse(file.getMetadata().getCreationTimestamp());
        if (claimed != null) {
            metrics.claimToStart(namespace, pipeline.getMetadata().getName(),
                    Duration.between(claimed, Instant.now()));
        }
        return true;
    }
}

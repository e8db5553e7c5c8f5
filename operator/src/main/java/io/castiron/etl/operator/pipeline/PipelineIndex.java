package io.castiron.etl.operator.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.operator.file.FileStatusWriter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * A pipeline's EtlFiles and Jobs by {@code namespace/pipeline}: what its reconcile counts and what admission reads
 * when a file is staged. The files come from the pipeline controller's own informer; the Jobs from the file
 * controller's, which every Job event reaches anyway, so each is watched and decoded once. Read from the index,
 * not context.getSecondaryResources: that collects a Set, hashing every object in full (O(files x object size) per
 * reconcile). Admission, which runs for every file staged, reads only the queued files and the active Jobs, and
 * looks others up by name: its cost does not grow with the files a pipeline has running or retains. The index
 * does not hold objects created a moment ago; {@link Admission} remembers those itself.
 */
@ApplicationScoped
public class PipelineIndex {
    private static final String BY_PIPELINE = "by-pipeline";
    /** Files in phase Queued; Jobs still active. */
    private static final String QUEUED_OR_ACTIVE = "queued-or-active-by-pipeline";
    /**
     * {@code namespace/name}: a lookup of what the informer itself has shown. (The event source's {@code get} would
     * answer from the operator SDK's cache of this operator's own writes first, which admission counts separately.)
     */
    private static final String BY_NAME = "by-name";

    private volatile InformerEventSource<EtlFile, EtlPipeline> files;
    private volatile InformerEventSource<Job, ?> jobs;
    private volatile SimpleInboundEventSource<EtlPipeline> jobWakeups;
    /** Files by pipeline key and phase, kept by {@link #fileChanged}: what a pipeline's status counts. */
    private final Map<String, Map<FilePhase, Integer>> phases = new ConcurrentHashMap<>();

    /** The pipeline controller's EtlFile informer (before it starts), and where its Job events go. */
    void use(InformerEventSource<EtlFile, EtlPipeline> fileSource, SimpleInboundEventSource<EtlPipeline> wakeups) {
        fileSource.addIndexers(Map.of(
                BY_PIPELINE, (EtlFile f) -> List.of(pipelineOf(f)),
                QUEUED_OR_ACTIVE, (EtlFile f) -> FileStatusWriter.phaseOf(f) == FilePhase.Queued
                        ? List.of(pipelineOf(f)) : List.of(),
                BY_NAME, (EtlFile f) -> List.of(nameKey(f))));
        this.files = fileSource;
        this.jobWakeups = wakeups;
    }

    /**
     * The file controller's Job informer (before it starts): indexed by pipeline, and from now on the pipelines'
     * view of their Jobs. Its owner passes each change to {@link #jobChanged}.
     */
    public void useJobs(InformerEventSource<Job, ?> jobSource) {
        jobSource.addIndexers(Map.of(
                QUEUED_OR_ACTIVE, (Job j) -> Jobs.isActive(j) ? pipelineKeyOf(j) : List.of(),
                BY_NAME, (Job j) -> Jobs.files(j).stream()
                        .map(file -> j.getMetadata().getNamespace() + "/" + file).toList()));
        this.jobs = jobSource;
    }

    /**
     * A Job was added ({@code before} null), changed, or is gone ({@code after} null): wakes its pipeline when that
     * takes or frees a slot. Not on creation: this operator creates the Jobs and counts them itself, and a pipeline
     * reconciles at start-up anyway.
     */
    public void jobChanged(Job before, Job after) {
        SimpleInboundEventSource<EtlPipeline> wakeups = jobWakeups;
        if (before == null) {
            return;
        }
        String pipeline = pipelineOf(before);
        if (wakeups == null || pipeline == null) {
            return;
        }
        if (after == null || Jobs.isActive(before) != Jobs.isActive(after)) {
            wakeups.propagateEvent(new ResourceID(pipeline, before.getMetadata().getNamespace()));
        }
    }

    /**
     * The pipelines' informer added ({@code before} null), changed or removed ({@code after} null) a file: moves
     * it between the counts of its phases.
     */
    void fileChanged(EtlFile before, EtlFile after) {
        if (before != null) {
            phases.computeIfPresent(pipelineOf(before), (key, counts) -> {
                counts.merge(FileStatusWriter.phaseOf(before), -1, Integer::sum);
                return counts;
            });
        }
        if (after != null) {
            phases.compute(pipelineOf(after), (key, counts) -> {
                var now = counts == null ? new EnumMap<FilePhase, Integer>(FilePhase.class) : counts;
                now.merge(FileStatusWriter.phaseOf(after), 1, Integer::sum);
                return now;
            });
        }
    }

    /** How many of the pipeline's files are in each phase, as the informer has shown them (a copy). */
    Map<FilePhase, Integer> phaseCounts(String key) {
        Map<FilePhase, Integer> copy = new EnumMap<>(FilePhase.class);
        phases.computeIfPresent(key, (k, counts) -> {
            copy.putAll(counts);
            return counts;
        });
        return copy;
    }

    /** Whether the Jobs have been listed: before that, a pipeline cannot tell how many of its slots are taken. */
    boolean jobsSynced() {
        InformerEventSource<Job, ?> source = jobs;
        return source != null && source.informerHealthIndicators().values().stream()
                .allMatch(InformerHealthIndicator::hasSynced);
    }

    /** The pipeline's EtlFiles; {@code key} as {@link EtlPipelineReconciler#pipelineKey}. */
    List<EtlFile> files(String key) {
        return files.byIndex(BY_PIPELINE, key);
    }

    /** The pipeline's EtlFiles in phase Queued (waiting for a slot, or given one a moment ago). */
    List<EtlFile> queuedFiles(String key) {
        return files.byIndex(QUEUED_OR_ACTIVE, key);
    }

    /** The EtlFile as the pipelines' informer has shown it. */
    Optional<EtlFile> file(String namespace, String name) {
        return files.byIndex(BY_NAME, namespace + "/" + name).stream().findFirst();
    }

    /** The pipeline's active Jobs (as {@link Jobs#isActive}). */
    List<Job> activeJobs(String key) {
        return jobs.byIndex(QUEUED_OR_ACTIVE, key);
    }

    /** Whether the Job informer has shown a Job of that name, or one whose batch takes the file of that name. */
    boolean hasJob(String namespace, String name) {
        return !jobs.byIndex(BY_NAME, namespace + "/" + name).isEmpty();
    }

    private static String nameKey(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    private static String pipelineOf(EtlFile file) {
        return EtlPipelineReconciler.pipelineKey(file.getMetadata().getNamespace(), file.getSpec().getPipeline());
    }

    private static List<String> pipelineKeyOf(Job job) {
        String pipeline = pipelineOf(job);
        return pipeline == null ? List.of()
                : List.of(EtlPipelineReconciler.pipelineKey(job.getMetadata().getNamespace(), pipeline));
    }

    /** The annotation holds the whole name; the label alone, on Jobs made before it, holds names of up to 63. */
    private static String pipelineOf(Job job) {
        var annotations = job.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(Labels.PIPELINE_NAME)) {
            return annotations.get(Labels.PIPELINE_NAME);
        }
        return job.getMetadata().getLabels() == null ? null : job.getMetadata().getLabels().get(Labels.PIPELINE);
    }
}

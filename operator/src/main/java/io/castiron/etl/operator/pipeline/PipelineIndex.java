package io.castiron.etl.operator.pipeline;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.operator.Labels;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * A pipeline's EtlFiles and Jobs, from the pipeline controller's informers, indexed by {@code namespace/pipeline}:
 * what its reconcile counts and what admission reads when a file is staged. Read from the index, not
 * context.getSecondaryResources: that collects a Set, hashing every EtlFile and Job in full (O(files x object size)
 * per reconcile). It does not hold objects created a moment ago; {@link Admission} remembers those itself.
 */
@ApplicationScoped
public class PipelineIndex {
    private static final String BY_PIPELINE = "by-pipeline";

    private volatile InformerEventSource<EtlFile, EtlPipeline> files;
    private volatile InformerEventSource<Job, EtlPipeline> jobs;

    /** Indexes the pipeline controller's two informers (before they start) and reads them from then on. */
    void use(InformerEventSource<EtlFile, EtlPipeline> fileSource, InformerEventSource<Job, EtlPipeline> jobSource) {
        fileSource.addIndexers(Map.of(BY_PIPELINE, (EtlFile f) -> List.of(
                EtlPipelineReconciler.pipelineKey(f.getMetadata().getNamespace(), f.getSpec().getPipeline()))));
        jobSource.addIndexers(Map.of(BY_PIPELINE, (Job j) -> {
            String owner = j.getMetadata().getLabels() == null ? null : j.getMetadata().getLabels().get(Labels.PIPELINE);
            return owner == null ? List.of()
                    : List.of(EtlPipelineReconciler.pipelineKey(j.getMetadata().getNamespace(), owner));
        }));
        this.files = fileSource;
        this.jobs = jobSource;
    }

    /** The pipeline's EtlFiles; {@code key} as {@link EtlPipelineReconciler#pipelineKey}. */
    List<EtlFile> files(String key) {
        return files.byIndex(BY_PIPELINE, key);
    }

    /** The pipeline's Jobs (labelled with it); {@code key} as {@link EtlPipelineReconciler#pipelineKey}. */
    List<Job> jobs(String key) {
        return jobs.byIndex(BY_PIPELINE, key);
    }
}

package io.castiron.etl.operator.file;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.CachePruning;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.operator.ObservedInformerEventSource;
import io.castiron.etl.operator.pipeline.PipelineIndex;
import io.castiron.etl.stage.StageLayout;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * One file, by phase: Pending -> stage (and launch its Job at once when its pipeline has a free slot and no queue);
 * Queued -> wait for the pipeline to launch its Job; Running -> follow the Job; any phase -> cancel when asked;
 * final phases -> retention. {@link io.castiron.etl.operator.pipeline.Admission} keeps the concurrency limit for
 * both ways of launching.
 */
// Not generation-aware: the cancel annotation changes no generation and must still wake the file.
@ControllerConfiguration(name = EtlFileReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(itemStore = CachePruning.Store.class, informerListLimit = CachePruning.LIST_PAGE))
public class EtlFileReconciler implements Reconciler<EtlFile> {
    public static final String NAME = "etlfile";
    private static final Duration WAIT_FOR_PIPELINE = Duration.ofSeconds(30);
    private static final Duration AGAIN = Duration.ofMillis(10);

    @Inject
    Stager stager;

    @Inject
    JobObserver observer;

    @Inject
    Canceller canceller;

    @Inject
    Retention retention;

    @Inject
    FileStatusWriter writer;

    @Inject
    PipelineIndex pipelineIndex;

    /** Jobs by the file that owns them; a Job created at staging is cached here. */
    private InformerEventSource<Job, EtlFile> jobs;

    @Override
    public List<EventSource<?, EtlFile>> prepareEventSources(EventSourceContext<EtlFile> context) {
        // Also the pipelines' view of their Jobs (PipelineIndex): one watch of Jobs for both controllers.
        jobs = new ObservedInformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, EtlFile.class)
                .withName("file-jobs")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(EtlFile.class))
                .withItemStore(CachePruning.jobStore())
                .withInformerListLimit(CachePruning.LIST_PAGE)
                .build(), context, pipelineIndex::jobChanged);
        pipelineIndex.useJobs(jobs);
        // A pipeline change must not wake every file: files read their pipeline when they reconcile anyway.
        var pipelines = new InformerEventSource<>(InformerEventSourceConfiguration.from(EtlPipeline.class, EtlFile.class)
                .withName("file-pipelines")
                .withPrimaryToSecondaryMapper((EtlFile f) -> Set.of(
                        new ResourceID(f.getSpec().getPipeline(), f.getMetadata().getNamespace())))
                .withSecondaryToPrimaryMapper(p -> Set.of())
                .withInformerListLimit(CachePruning.LIST_PAGE)
                .build(), context);
        return List.of(jobs, pipelines);
    }

    @Override
    public UpdateControl<EtlFile> reconcile(EtlFile file, Context<EtlFile> context) {
        EtlPipeline pipeline = context.getSecondaryResource(EtlPipeline.class).orElse(null);
        FilePhase phase = FileStatusWriter.phaseOf(file);
        if (phase.isFinal()) {
            return retention.apply(context, file, pipeline)
                    .map(left -> UpdateControl.<EtlFile>noUpdate().rescheduleAfter(left))
                    .orElseGet(UpdateControl::noUpdate);
        }
        if (pipeline == null) {
            writer.note(context, file, "PipelineMissing", "Waiting for EtlPipeline " + file.getSpec().getPipeline());
            return UpdateControl.<EtlFile>noUpdate().rescheduleAfter(WAIT_FOR_PIPELINE);
        }
        StageLayout layout;
        try {
            layout = StageLayout.of(pipeline.getSpec());
        } catch (IllegalArgumentException invalid) {
            writer.note(context, file, "PipelineInvalid", "EtlPipeline " + pipeline.getMetadata().getName()
                    + " is invalid: " + invalid.getMessage());
            return UpdateControl.<EtlFile>noUpdate().rescheduleAfter(WAIT_FOR_PIPELINE);
        }
        Job job = context.getSecondaryResource(Job.class).orElse(null);
        if (file.isCancelRequested()) {
            boolean done = canceller.cancel(context, file, pipeline, layout, job);
            return done ? afterFinal() : UpdateControl.noUpdate();
        }
        JobObserver.Observation after = switch (phase) {
            case Pending -> stager.stage(context, file, pipeline, layout, job, jobs);
            case Queued, Running -> observer.observe(context, file, pipeline, layout, job);
            default -> new JobObserver.Observation(phase, Optional.empty());
        };
        if (after.phase().isFinal()) {
            return afterFinal();
        }
        if (changedMeanwhile(file, context)) {
            return UpdateControl.<EtlFile>noUpdate().rescheduleAfter(AGAIN);
        }
        return after.lookAgainIn().map(in -> UpdateControl.<EtlFile>noUpdate().rescheduleAfter(in))
                .orElseGet(UpdateControl::noUpdate);
    }

    /**
     * Whether someone changed the spec or asked to cancel while this reconcile ran. The operator SDK (5.3) drops the
     * event of a change that lands while our own status write is in flight (java-operator-sdk#3398), so a cancel
     * right after a phase change would wait for some later event. The write's answer, which the SDK caches, holds
     * that change: compare the file as it is now with the one this reconcile read.
     */
    private static boolean changedMeanwhile(EtlFile reconciled, Context<EtlFile> context) {
        return context.getPrimaryCache().get(ResourceID.fromResource(reconciled))
                .map(now -> !Objects.equals(now.getMetadata().getGeneration(), reconciled.getMetadata().getGeneration())
                        || now.isCancelRequested() != reconciled.isCancelRequested())
                .orElse(false);
    }

    /** Our own status patch does not trigger a reconcile; come back so retention gets scheduled. */
    private static UpdateControl<EtlFile> afterFinal() {
        return UpdateControl.<EtlFile>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
    }
}

package io.castiron.etl.operator.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.PipelineValidation;
import io.castiron.etl.config.Durations;
import io.castiron.etl.matching.FileMatcher;
import io.castiron.etl.operator.CachePruning;
import io.castiron.etl.operator.Conditions;
import io.castiron.etl.operator.EventRecorder;
import io.castiron.etl.operator.Metrics;
import io.castiron.etl.operator.ObservedInformerEventSource;
import io.castiron.etl.operator.Times;
import io.castiron.etl.operator.file.FileStatusWriter;
import io.castiron.etl.stage.StageLayout;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * One pipeline: validate its spec, make sure its stage folders exist, put back orphans once, scan and claim its
 * inbox every pollInterval, admit queued files into Jobs, and report all of it in status.
 */
@ControllerConfiguration(name = EtlPipelineReconciler.NAME,
        informer = @Informer(informerListLimit = CachePruning.LIST_PAGE))
// Under load every file's events wake its pipeline, and each reconcile reads all of the pipeline's files: at most 2
// reconciles per 100 ms (events meanwhile are folded into the next one) cost a freed slot at most that long.
@RateLimited(maxReconciliations = 2, within = 100, unit = TimeUnit.MILLISECONDS)
public class EtlPipelineReconciler implements Reconciler<EtlPipeline> {
    public static final String NAME = "etlpipeline";
    private static final Logger LOG = Logger.getLogger(EtlPipelineReconciler.class);
    private static final String FILES = "pipeline-files";
    private static final String JOBS = "pipeline-jobs";
    private static final Duration RETRY_STAGES = Duration.ofSeconds(30);
    /** Until the Jobs are listed, admission waits (it could not count the active ones); then it is back soon. */
    private static final Duration JOBS_NOT_LISTED_YET = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StageFolders stageFolders;

    @Inject
    OrphanRecovery orphanRecovery;

    @Inject
    InboxScanner scanner;

    @Inject
    Admission admission;

    @Inject
    EventRecorder events;

    @Inject
    Metrics metrics;

    @Inject
    PipelineIndex index;

    @Inject
    RunnerChecks runnerChecks;

    @Override
    public List<EventSource<?, EtlPipeline>> prepareEventSources(EventSourceContext<EtlPipeline> context) {
        // every informer change, filtered or not, keeps the index's counts by phase
        var files = new ObservedInformerEventSource<>(InformerEventSourceConfiguration
                .from(EtlFile.class, EtlPipeline.class)
                .withName(FILES)
                .withSecondaryToPrimaryMapper((EtlFile f) -> Set.of(
                        new ResourceID(f.getSpec().getPipeline(), f.getMetadata().getNamespace())))
                // Not on creation: the pipeline's own scan claimed the file, which matters once it is staged.
                .withOnAddFilter(f -> false)
                .withOnUpdateFilter(EtlPipelineReconciler::changesQueueOrCounts)
                .withItemStore(CachePruning.store())
                .withInformerListLimit(CachePruning.LIST_PAGE)
                .build(), context, index::fileChanged);
        // The pipeline's Jobs come from the file controller's Job informer (one watch and one decode of each Job
        // event, not two), which wakes the pipeline through this source when a slot is taken or freed.
        var jobs = new SimpleInboundEventSource<EtlPipeline>(JOBS);
        index.use(files, jobs);
        return List.of(files, jobs);
    }

    /**
     * Whether a file's update can change what the pipeline does or shows: a phase change or a cancel request. Not
     * progress or other status writes, and not a queued file turning Running: its Job's creation already took the
     * slot, and the queued count follows at the pipeline's next reconcile (at most a pollInterval away).
     */
    static boolean changesQueueOrCounts(EtlFile before, EtlFile after) {
        FilePhase from = FileStatusWriter.phaseOf(before);
        FilePhase to = FileStatusWriter.phaseOf(after);
        boolean started = from == FilePhase.Queued && to == FilePhase.Running;
        return (from != to && !started) || before.isCancelRequested() != after.isCancelRequested();
    }

    /** {@code namespace/name}: how the operator keys per-pipeline state and its informer index. */
    public static String pipelineKey(String namespace, String pipeline) {
        return namespace + "/" + pipeline;
    }

    public static String pipelineKey(EtlPipeline pipeline) {
        return pipelineKey(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName());
    }

    @Override
    public UpdateControl<EtlPipeline> reconcile(EtlPipeline pipeline, Context<EtlPipeline> context) {
        EtlPipelineStatus before = copy(pipeline.getStatus());
        EtlPipelineStatus status = copy(pipeline.getStatus());
        Long generation = pipeline.getMetadata().getGeneration();
        status.setObservedGeneration(generation);

        List<String> problems = PipelineValidation.problems(pipeline.getSpec());
        if (!problems.isEmpty()) {
            return invalid(pipeline, status, before, String.join("; ", problems));
        }
        explainPatternReading(pipeline, before, generation);
        StageLayout layout = StageLayout.of(pipeline.getSpec());
        if (!stageFolders.ensure(pipeline, layout, status)) {
            setReady(status, false, "StagesMissing", Conditions.find(status.getConditions(),
                    EtlPipelineStatus.CONDITION_BUCKETS_READY).map(c -> c.getMessage()).orElse(""), generation);
            return finish(pipeline, status, before, RETRY_STAGES);
        }

        String key = pipelineKey(pipeline);
        orphanRecovery.recoverOnce(pipeline, layout, () -> index.files(key));

        boolean enabled = !Boolean.FALSE.equals(pipeline.getSpec().getEnabled());
        if (enabled) {
            var neighbours = context.getPrimaryCache().list(pipeline.getMetadata().getNamespace()).toList();
            var scan = scanner.scanIfDue(pipeline, layout, neighbours);
            if (scan.scanned()) {
                status.setLastScanTime(Times.format(scan.at()));
            }
        }
        var admitted = admission.admit(pipeline, context);
        count(status, index.phaseCounts(key));
        status.setRunning(admitted.active());
        metrics.queueDepth(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
                admitted.queued(), admitted.active());

        var runnerProblem = runnerChecks.problem(pipeline);
        Conditions.set(status.getConditions(), EtlPipelineStatus.CONDITION_RUNNERS_READY, runnerProblem.isEmpty(),
                runnerProblem.map(RunnerChecks.Problem::reason).orElse("RunnersStart"),
                runnerProblem.map(RunnerChecks.Problem::message).orElse("No runner is known to be held up"),
                generation);
        if (runnerProblem.isPresent() && !Conditions.find(before.getConditions(),
                EtlPipelineStatus.CONDITION_RUNNERS_READY).map(c -> runnerProblem.get().message().equals(c.getMessage()))
                .orElse(false)) {
            events.warning(pipeline, runnerProblem.get().reason(), runnerProblem.get().message());
        }
        if (enabled && runnerProblem.isPresent()) {
            setReady(status, false, runnerProblem.get().reason(), runnerProblem.get().message(), generation);
        } else if (enabled) {
            setReady(status, true, "Watching", "Watching s3://" + layout.bucket() + "/" + layout.inboxDir()
                    + " for " + pipeline.getSpec().getHandledFileGlob(), generation);
        } else {
            setReady(status, false, "Disabled", "The pipeline is disabled (spec.enabled = false): it claims no files",
                    generation);
        }
        status.setMessage(null);
        Duration next = enabled ? scanner.untilNextScan(pipeline)
                : Durations.parse("pollInterval", pipeline.getSpec().getPollInterval());
        if (!index.jobsSynced()) {
            next = JOBS_NOT_LISTED_YET;
        }
        return finish(pipeline, status, before, next.isZero() ? Duration.ofMillis(100) : next);
    }

    @Override
    public ErrorStatusUpdateControl<EtlPipeline> updateErrorStatus(EtlPipeline pipeline, Context<EtlPipeline> context,
            Exception e) {
        EtlPipelineStatus status = copy(pipeline.getStatus());
        String message = "Reconcile failed: " + e.getMessage();
        setReady(status, false, "ReconcileError", message, pipeline.getMetadata().getGeneration());
        status.setMessage(message);
        pipeline.setStatus(status);
        LOG.warnf(e, "pipeline %s/%s: %s", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
                message);
        return ErrorStatusUpdateControl.patchStatus(pipeline);
    }

    private UpdateControl<EtlPipeline> invalid(EtlPipeline pipeline, EtlPipelineStatus status,
            EtlPipelineStatus before, String message) {
        String full = "Invalid spec: " + message;
        boolean newProblem = !Objects.equals(before.getMessage(), full);
        setReady(status, false, "InvalidSpec", full, pipeline.getMetadata().getGeneration());
        status.setMessage(full);
        if (newProblem) {
            events.warning(pipeline, "InvalidSpec", full);
            LOG.warnf("pipeline %s/%s: %s", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
                    full);
        }
        return finish(pipeline, status, before, null);
    }

    /**
     * Once per spec change, a Warning Event for each alternative of the glob that could be read two ways, saying
     * which way it is read ({@link FileMatcher#notes()}): files that the original matched may not match here.
     */
    private void explainPatternReading(EtlPipeline pipeline, EtlPipelineStatus before, Long generation) {
        if (Objects.equals(before.getObservedGeneration(), generation)) {
            return;
        }
        for (String note : FileMatcher.compile(pipeline.getSpec().getHandledFileGlob()).notes()) {
            events.warning(pipeline, "AmbiguousPattern", note);
            LOG.infof("pipeline %s/%s: %s", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
                    note);
        }
    }

    private static void setReady(EtlPipelineStatus status, boolean ready, String reason, String message,
            Long generation) {
        Conditions.set(status.getConditions(), EtlPipelineStatus.CONDITION_READY, ready, reason, message, generation);
    }

    private static void count(EtlPipelineStatus status, Map<FilePhase, Integer> files) {
        status.setQueued(files.getOrDefault(FilePhase.Pending, 0) + files.getOrDefault(FilePhase.Queued, 0));
        status.setSucceeded(files.getOrDefault(FilePhase.Succeeded, 0));
        status.setFailed(files.getOrDefault(FilePhase.Failed, 0));
        status.setCanceled(files.getOrDefault(FilePhase.Canceled, 0));
    }

    /**
     * Patches status only when something a person reads changed; the scan time alone is refreshed at most every
     * minute, so an idle pipeline does not write to the API server every pollInterval.
     */
    private UpdateControl<EtlPipeline> finish(EtlPipeline pipeline, EtlPipelineStatus status,
            EtlPipelineStatus before, Duration rescheduleAfter) {
        var beforeTree = JSON.valueToTree(withoutScanTime(before));
        var afterTree = JSON.valueToTree(withoutScanTime(status));
        var lastScan = Times.parse(before.getLastScanTime());
        boolean scanStale = status.getLastScanTime() != null
                && (lastScan == null || lastScan.plus(Duration.ofMinutes(1)).isBefore(Times.parse(status.getLastScanTime())));
        UpdateControl<EtlPipeline> control;
        if (!beforeTree.equals(afterTree) || scanStale) {
            pipeline.setStatus(status);
            control = UpdateControl.patchStatus(pipeline);
        } else {
            control = UpdateControl.noUpdate();
        }
        return rescheduleAfter == null ? control : control.rescheduleAfter(rescheduleAfter);
    }

    private static EtlPipelineStatus withoutScanTime(EtlPipelineStatus status) {
        EtlPipelineStatus copy = copy(status);
        copy.setLastScanTime(null);
        copy.setConditions(new ArrayList<>(copy.getConditions()));
        return copy;
    }

    private static EtlPipelineStatus copy(EtlPipelineStatus status) {
        if (status == null) {
            return new EtlPipelineStatus();
        }
        EtlPipelineStatus copy = JSON.convertValue(status, EtlPipelineStatus.class);
        if (copy.getConditions() == null) {
            copy.setConditions(new ArrayList<>());
        }
        return copy;
    }
}

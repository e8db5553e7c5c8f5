package io.castiron.etl.operator.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.PipelineValidation;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.operator.Metrics;
import io.castiron.etl.operator.Times;
import io.castiron.etl.operator.file.FileStatusWriter;
import io.castiron.etl.operator.file.JobObserver;
import io.castiron.etl.operator.job.JobFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Launches Jobs while fewer than {@code maxConcurrentJobs} of a pipeline's Jobs are active, first in first out by
 * queue time. Two ways in, one count of slots per pipeline:
 * <ul>
 * <li>{@link #launchAtStaging}: a file just staged gets its Job at once when a slot is free and no file of its
 * pipeline waits (it then skips the Queued phase: one status write and one pipeline reconcile fewer per file);</li>
 * <li>{@link #admit}: in the pipeline's reconcile, queued files get the slots that free up, oldest first. It is
 * triggered by the events that change the answer (a file queued, a Job finished), not by a timer over the
 * queue.</li>
 * </ul>
 * A slot is reserved under the pipeline's lock before its Job is created, so two launches never take the last slot
 * twice, whichever way they came.
 */
@ApplicationScoped
public class Admission {
    private static final Logger LOG = Logger.getLogger(Admission.class);

    /** How long a launched Job may stay out of the informer before it is no longer counted (it was deleted). */
    private static final Duration UNSEEN_FOR_AT_MOST = Duration.ofMinutes(2);
    /** How long a file queued by this operator may stay out of the informer before it is no longer counted. */
    private static final Duration QUEUED_UNSEEN_FOR_AT_MOST = Duration.ofSeconds(30);

    @Inject
    JobFactory jobFactory;

    @Inject
    Metrics metrics;

    @Inject
    PipelineIndex index;

    public record Result(int queued, int active) {
    }

    /** What the informers may not show yet, per pipeline; its monitor is the pipeline's admission lock. */
    private static final class Slots {
        /** Jobs this operator created that the pipeline's informer has not shown yet (name -> when). */
        final Map<String, Instant> unseenJobs = new ConcurrentHashMap<>();
        /** The files of those Jobs (name -> when): a batch's Job is named after its first file only. */
        final Map<String, Instant> unseenFiles = new ConcurrentHashMap<>();
        /** Files this operator queued that the pipeline's informer has not shown yet (name -> when). */
        final Map<String, Instant> unseenQueued = new ConcurrentHashMap<>();
        /** Jobs given a slot that are still being created: a file staged meanwhile queues behind their files. */
        int admitting;
    }

    private final Map<String, Slots> slots = new ConcurrentHashMap<>();

    /**
     * Jobs for the pipeline's queued files, oldest first, one per free slot, each taking up to the pipeline's
     * {@code runner.filesPerJob} files; when fewer files wait than the free slots could take, they are spread over
     * the slots (parallel runners before full batches). None before the Jobs have been listed (the free slots are
     * not known yet).
     */
    public Result admit(EtlPipeline pipeline, Context<EtlPipeline> context) {
        String key = EtlPipelineReconciler.pipelineKey(pipeline);
        Slots pipelineSlots = slots.computeIfAbsent(key, k -> new Slots());
        List<EtlFile> reserved;
        List<List<EtlFile>> batches;
        int active;
        int queued;
        String namespace = pipeline.getMetadata().getNamespace();
        synchronized (pipelineSlots) {
            // Read under the lock, as at staging: an older view could miss Jobs whose launch a newer one confirmed.
            active = countActive(pipelineSlots, key, namespace);
            forgetQueuedOnceShown(pipelineSlots, namespace);
            List<EtlFile> files = index.queuedFiles(key);
            Predicate<String> hasJob = hasJob(pipelineSlots, namespace);
            int slotsFree = !index.jobsSynced() ? 0 : Math.max(0, pipeline.getSpec().getMaxConcurrentJobs() - active);
            if (slotsFree == 0) {
                // the usual pass under load: nothing to start, so the queue needs counting, not sorting
                reserved = List.of();
                batches = List.of();
                queued = (int) files.stream().filter(f -> isWaiting(f, hasJob)).count();
            } else {
                List<EtlFile> queue = queue(files, hasJob);
                batches = batches(queue, slotsFree, RunnerSpec.filesPerJob(pipeline.getSpec().getRunner()));
                reserved = batches.stream().flatMap(List::stream).toList();
                Instant now = Instant.now();
                batches.forEach(b -> pipelineSlots.unseenJobs.put(b.get(0).getMetadata().getName(), now));
                reserved.forEach(f -> pipelineSlots.unseenFiles.put(f.getMetadata().getName(), now));
                pipelineSlots.admitting += batches.size();
                queued = queue.size();
            }
        }
        int done = 0;
        int refused = 0;
        try {
            for (List<EtlFile> batch : batches) {
                try {
                    launch(pipeline, batch, context, null, pipelineSlots);
                } catch (JobRefusedException e) {
                    // the files' own controller ends each in error; the slot is free again
                    batch.forEach(file -> markRefused(context, file, e.getMessage()));
                    refused++;
                }
                done++;
                synchronized (pipelineSlots) {
                    pipelineSlots.admitting--;
                }
            }
        } finally {
            if (done < batches.size()) {
                // a launch failed (the reconcile is retried): the slots of this one and the rest are free again
                synchronized (pipelineSlots) {
                    pipelineSlots.admitting -= batches.size() - done;
                    batches.subList(done, batches.size()).forEach(b -> forgetLaunch(pipelineSlots, b));
                }
            }
        }
        return new Result(queued - reserved.size(), active + batches.size() - refused);
    }

    /**
     * The first files of the queue as the batches of the free slots: at most {@code slotsFree} batches of at most
     * {@code filesPerJob} files, as even as the files allow (one file per Job when {@code filesPerJob} is 1).
     */
    static List<List<EtlFile>> batches(List<EtlFile> queue, int slotsFree, int filesPerJob) {
        int jobs = Math.min(slotsFree, queue.size());
        if (jobs == 0) {
            return List.of();
        }
        int take = Math.min(queue.size(), jobs * filesPerJob);
        var batches = new ArrayList<List<EtlFile>>(jobs);
        int from = 0;
        for (int j = 0; j < jobs; j++) {
            int size = take / jobs + (j < take % jobs ? 1 : 0);
            batches.add(queue.subList(from, from + size));
            from += size;
        }
        return batches;
    }

    private static void forgetLaunch(Slots pipelineSlots, List<EtlFile> batch) {
        pipelineSlots.unseenJobs.remove(batch.get(0).getMetadata().getName());
        batch.forEach(f -> pipelineSlots.unseenFiles.remove(f.getMetadata().getName()));
    }

    /**
     * Notes the refusal on the queued file (reason {@code JobRefused}), which wakes its own controller to end it in
     * error; until then it is not offered a slot again.
     */
    private static void markRefused(Context<EtlPipeline> context, EtlFile file, String message) {
        LOG.warn(message);
        var status = new LinkedHashMap<String, Object>();
        status.put("reason", JobObserver.JOB_REFUSED);
        status.put("message", message);
        context.getClient().resource(file).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                context.getClient().getKubernetesSerialization().asJson(Map.of("status", status)));
    }

    /**
     * What staging ends in: the file has its Job ({@code jobName}), or it waits in the queue ({@code jobName} null).
     * {@code queuedTime} is taken under the pipeline's lock, so queue times follow the order in which files were
     * admitted or queued.
     */
    public record Staged(String jobName, String queuedTime) {
        public boolean launched() {
            return jobName != null;
        }
    }

    /**
     * Called once a file is staged: creates its Job now if its pipeline has a free slot and no other file waits for
     * one (first in, first out); otherwise notes the file as queued, so no file staged after it can overtake it
     * while the informers catch up.
     */
    public <P extends HasMetadata> Staged launchAtStaging(EtlPipeline pipeline, EtlFile file, String fileId,
            String processingKey, Context<P> context, InformerEventSource<Job, P> jobSource) {
        String key = EtlPipelineReconciler.pipelineKey(pipeline);
        String name = file.getMetadata().getName();
        Slots pipelineSlots = slots.computeIfAbsent(key, k -> new Slots());
        boolean valid = PipelineValidation.problems(pipeline.getSpec()).isEmpty();
        String queuedTime;
        String namespace = file.getMetadata().getNamespace();
        synchronized (pipelineSlots) {
            queuedTime = Times.now();
            int active = countActive(pipelineSlots, key, namespace);
            forgetQueuedOnceShown(pipelineSlots, namespace);
            boolean othersWait = pipelineSlots.admitting > 0 || !pipelineSlots.unseenQueued.isEmpty()
                    || anyWaiting(index.queuedFiles(key), hasJob(pipelineSlots, namespace));
            if (othersWait || !valid || !index.jobsSynced() || active >= pipeline.getSpec().getMaxConcurrentJobs()) {
                pipelineSlots.unseenQueued.put(name, Instant.now());
                return new Staged(null, queuedTime);
            }
            pipelineSlots.unseenJobs.put(name, Instant.now());
            pipelineSlots.unseenFiles.put(name, Instant.now());
        }
        Job job = launch(pipeline, List.of(file), fileId, processingKey, context, jobSource, pipelineSlots);
        return new Staged(job.getMetadata().getName(), queuedTime);
    }

    /**
     * Active Jobs the informer shows plus those launched since; forgets launches the informer has caught up on (or
     * that it never showed for too long: they were deleted).
     */
    private int countActive(Slots pipelineSlots, String key, String namespace) {
        Instant forgetBefore = Instant.now().minus(UNSEEN_FOR_AT_MOST);
        pipelineSlots.unseenJobs.entrySet()
                .removeIf(e -> e.getValue().isBefore(forgetBefore) || index.hasJob(namespace, e.getKey()));
        pipelineSlots.unseenFiles.entrySet()
                .removeIf(e -> e.getValue().isBefore(forgetBefore) || index.hasJob(namespace, e.getKey()));
        return pipelineSlots.unseenJobs.size() + index.activeJobs(key).size();
    }

    /** Whether a file (by name) has a Job, shown by the informer or launched since. */
    private Predicate<String> hasJob(Slots pipelineSlots, String namespace) {
        return name -> pipelineSlots.unseenFiles.containsKey(name) || index.hasJob(namespace, name);
    }

    /**
     * Forgets the files this operator queued once the informer shows them past Pending (it has their Queued write,
     * or a later one), and those it never showed for too long.
     */
    private void forgetQueuedOnceShown(Slots pipelineSlots, String namespace) {
        if (pipelineSlots.unseenQueued.isEmpty()) {
            return;
        }
        Instant forgetBefore = Instant.now().minus(QUEUED_UNSEEN_FOR_AT_MOST);
        pipelineSlots.unseenQueued.entrySet().removeIf(e -> e.getValue().isBefore(forgetBefore)
                || index.file(namespace, e.getKey()).map(f -> FileStatusWriter.phaseOf(f) != FilePhase.Pending)
                        .orElse(false));
    }

    /** Whether a queued file waits for a slot (a loop: this runs for every file staged). */
    private static boolean anyWaiting(Collection<EtlFile> files, Predicate<String> hasJob) {
        for (EtlFile f : files) {
            if (isWaiting(f, hasJob)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWaiting(EtlFile f, Predicate<String> hasJob) {
        return FileStatusWriter.phaseOf(f) == FilePhase.Queued && !f.isCancelRequested()
                && !JobObserver.JOB_REFUSED.equals(f.getStatus().getReason())
                && !hasJob.test(f.getMetadata().getName());
    }

    /** Queued files without a Job and not being cancelled, oldest first. */
    static List<EtlFile> queue(Collection<EtlFile> files, Predicate<String> hasJob) {
        // as instants: ISO-8601 text leaves out a zero fraction, so "...:37Z" would sort after "...:37.015Z";
        // each parsed once, not at every comparison
        record Waiting(Instant queuedAt, EtlFile file) {
        }
        return files.stream()
                .filter(f -> isWaiting(f, hasJob))
                .map(f -> new Waiting(Times.parse(f.getStatus().getQueuedTime()), f))
                .sorted(Comparator.comparing(Waiting::queuedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(w -> w.file().getMetadata().getName()))
                .map(Waiting::file)
                .toList();
    }

    /** A queued batch's Job: the files' ids and processing keys are in their status since staging. */
    private Job launch(EtlPipeline pipeline, List<EtlFile> batch, Context<EtlPipeline> context,
            InformerEventSource<Job, EtlPipeline> jobSource, Slots pipelineSlots) {
        EtlFile first = batch.get(0);
        return launch(pipeline, batch, first.getStatus().getFileId(), first.getStatus().getCurrentKey(), context,
                jobSource, pipelineSlots);
    }

    /**
     * Creates the Job of {@code batch} (the first file's id and processing key given, the others' read from their
     * status) in its reserved slot, or finds it there already (AlreadyExists), which keeps the slot taken; returns
     * it. Any other failure gives the slot back. With {@code jobSource} (the file's own controller) the Job is cached
     * there at once, so the file's next reconcile sees it; without, the file learns of it from the watch.
     */
    private <P extends HasMetadata> Job launch(EtlPipeline pipeline, List<EtlFile> batch, String fileId,
            String processingKey, Context<P> context, InformerEventSource<Job, P> jobSource, Slots pipelineSlots) {
        EtlFile file = batch.get(0);
        String namespace = file.getMetadata().getNamespace();
        var contract = JobContract.of(fileId, file.getMetadata().getName(), namespace,
                pipeline.getMetadata().getName(), pipeline.getSpec(), processingKey,
                file.getSpec().getOriginalName())
                .withMoreFiles(batch.subList(1, batch.size()).stream()
                        .map(f -> new JobContract.BatchFile(f.getStatus().getFileId(), f.getMetadata().getName(),
                                f.getStatus().getCurrentKey(), f.getSpec().getOriginalName()))
                        .toList());
        Job job = jobFactory.build(batch, pipeline, contract);
        try {
            if (jobSource == null) {
                context.getClient().resource(job).create();
            } else {
                context.resourceOperations().create(job, jobSource);
            }
        } catch (RuntimeException e) {
            if (e instanceof KubernetesClientException k && k.getCode() == 409) {
                return job;
            }
            forgetLaunch(pipelineSlots, batch);
            if (e instanceof KubernetesClientException k && JobRefusedException.refuses(k.getCode())) {
                String reason = k.getStatus() != null && k.getStatus().getMessage() != null
                        ? k.getStatus().getMessage() : k.getMessage();
                throw new JobRefusedException("The API server refused Job " + job.getMetadata().getName()
                        + " of pipeline " + namespace + "/" + pipeline.getMetadata().getName() + ": " + reason, e);
            }
            throw e;
        }
        if (batch.size() == 1) {
            LOG.infof("pipeline %s/%s: file %s (%s) launched Job %s", namespace, pipeline.getMetadata().getName(),
                    contract.fileId(), contract.processingKey(), job.getMetadata().getName());
        } else {
            LOG.infof("pipeline %s/%s: files %s launched Job %s", namespace, pipeline.getMetadata().getName(),
                    contract.files().stream().map(JobContract::fileId).toList(), job.getMetadata().getName());
        }
        Instant now = Instant.now();
        for (EtlFile f : batch) {
            Instant claimed = Times.parse(f.getMetadata().getCreationTimestamp());
            if (claimed != null) {
                metrics.claimToStart(namespace, pipeline.getMetadata().getName(), Duration.between(claimed, now));
            }
        }
        return job;
    }
}

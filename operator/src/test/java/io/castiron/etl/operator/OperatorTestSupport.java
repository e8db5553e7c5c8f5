package io.castiron.etl.operator;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the operator tests share: making pipelines (each in a bucket of its own, so tests never see each other's
 * files), dropping files, reading EtlFiles, and standing in for the Job controller by writing Job status.
 */
public abstract class OperatorTestSupport {
    protected static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    protected KubernetesClient client;

    @Inject
    protected ObjectStore store;

    @Inject
    protected StatusStore statusStore;

    @Inject
    protected Settings settings;

    protected static String newBucket() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /** A shell pipeline on {@code tests/01_inbox/...} of the bucket, scanning every 200 ms. */
    protected EtlPipeline pipelineSpec(String name, String bucket, String glob, int maxJobs) {
        var p = new EtlPipeline();
        p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(client.getNamespace()).build());
        p.getSpec().setBucket(bucket);
        p.getSpec().setPrefix("tests");
        p.getSpec().setHandledFileGlob(glob);
        p.getSpec().setStages(new Stages("01_inbox/", "02_processing", "03_archive", "04_failed", null));
        p.getSpec().setSaveErrorLog(true);
        p.getSpec().setProcessor(Processor.shell("cat \"$ETL_FILENAME\""));
        p.getSpec().setMaxConcurrentJobs(maxJobs);
        p.getSpec().setPollInterval("200ms");
        return p;
    }

    protected EtlPipeline createPipeline(String name, String bucket, String glob, int maxJobs) {
        EtlPipeline created = client.resource(pipelineSpec(name, bucket, glob, maxJobs)).create();
        awaitStages(bucket);
        return created;
    }

    protected void awaitStages(String bucket) {
        await().atMost(WAIT).until(() -> bucketExists(bucket) && store.exists(bucket, "tests/05_canceled/.keep"));
    }

    private boolean bucketExists(String bucket) {
        try {
            store.exists(bucket, "tests/01_inbox/.keep");
            return true;
        } catch (RuntimeException noBucket) {
            return false;
        }
    }

    protected void drop(String bucket, String key, String content) {
        store.upload(bucket, key, content.getBytes(StandardCharsets.UTF_8), "text/csv", Map.of());
    }

    protected List<EtlFile> filesOf(String pipeline) {
        return client.resources(EtlFile.class).inNamespace(client.getNamespace())
                .withLabel(Labels.PIPELINE, pipeline).list().getItems();
    }

    protected EtlFile file(String name) {
        return client.resources(EtlFile.class).inNamespace(client.getNamespace()).withName(name).get();
    }

    protected static FilePhase phase(EtlFile f) {
        return f == null || f.getStatus() == null || f.getStatus().getPhase() == null ? FilePhase.Pending
                : f.getStatus().getPhase();
    }

    protected EtlFile awaitOnlyFile(String pipeline, FilePhase phase) {
        await().atMost(WAIT).until(() -> filesOf(pipeline).stream().anyMatch(f -> phase(f) == phase));
        return filesOf(pipeline).get(0);
    }

    protected List<Job> jobsOf(String pipeline) {
        return client.batch().v1().jobs().inNamespace(client.getNamespace())
                .withLabel(Labels.PIPELINE, pipeline).list().getItems();
    }

    protected Optional<Job> job(String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(client.getNamespace()).withName(name).get());
    }

    /** Stands in for the Job controller: the Job completed or failed. */
    protected void finishJob(String name, boolean succeeded, String reason) {
        var jobs = client.batch().v1().jobs().inNamespace(client.getNamespace()).withName(name);
        Job job = jobs.get();
        job.setStatus(new JobStatusBuilder()
                .withStartTime("2026-01-01T00:00:00Z")
                .withSucceeded(succeeded ? 1 : 0)
                .withFailed(succeeded ? 0 : 1)
                .withConditions(new JobConditionBuilder()
                        .withType(succeeded ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(reason)
                        .withMessage(succeeded ? "done" : "Job has reached the specified backoff limit")
                        .build())
                .build());
        jobs.updateStatus(job);
    }

    /** What the runner does on success: processing -> archive. Then the Job completes. */
    protected void processSuccessfully(EtlFile f) {
        String bucket = f.getSpec().getBucket();
        String archived = "tests/03_archive/" + f.getStatus().getFileId() + "-" + f.getSpec().getOriginalName();
        store.move(bucket, f.getStatus().getCurrentKey(), archived, null);
        finishJob(f.getMetadata().getName(), true, "Completed");
    }
}

package io.castiron.etl.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** What the informers' caches keep of a Job and of an EtlFile, and what they drop ({@link CachePruning}). */
class CachePruningTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final List<ManagedFieldsEntry> MANAGED_FIELDS = List.of(new ManagedFieldsEntryBuilder()
            .withManager("kube-controller-manager").withOperation("Update").withApiVersion("batch/v1")
            .withSubresource("status").build());

    /** A finished Job as the API server sends it: the operator's template, the Job controller's status. */
    private static Job jobFromTheApiServer() {
        return new JobBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("data-csv-0123").withNamespace("etl")
                        .withUid("0b9a1c52-3f0e-4d8e-9a57-6f1f0c2d7e11").withResourceVersion("4711")
                        .withCreationTimestamp("2026-12-02T10:00:00Z").withDeletionTimestamp("2026-12-02T10:05:00Z")
                        .withLabels(Map.of(Labels.PIPELINE, "csv", Labels.FILE, "data-csv-0123"))
                        .withAnnotations(Map.of(Labels.PIPELINE_NAME, "csv"))
                        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("etl.castiron.io/v1alpha1")
                                .withKind("EtlFile").withName("data-csv-0123")
                                .withUid("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11").withController(true).build())
                        .withManagedFields(MANAGED_FIELDS)
                        .build())
                .withNewSpec()
                    .withBackoffLimit(3)
                    .withNewTemplate()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .addNewContainer()
                                .withName("runner").withImage("castiron-etl-runner:latest")
                                .addNewEnv().withName("ETL_FILE_ID").withValue("7d1f6c1e").endEnv()
                                .addNewEnv().withName("ETL_PROCESSOR_JSON").withValue("{\"shell\":\"true\"}").endEnv()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .withNewStatus()
                    .withStartTime("2026-12-02T10:00:01Z").withSucceeded(1).withReady(0).withTerminating(0)
                    .addNewCondition().withType(Jobs.COMPLETE).withStatus("True").withReason("Completed").endCondition()
                .endStatus()
                .build();
    }

    private static <R extends HasMetadata> R cached(ItemStore<R> store, R object) {
        String key = store.getKey(object);
        store.put(key, object);
        return store.get(key);
    }

    @Test
    void aCachedJobKeepsTheMetadataAndStatusTheOperatorReadsAndDropsItsTemplate() {
        Job sent = jobFromTheApiServer();
        Job expected = JSON.clone(sent);

        Job job = cached(CachePruning.jobStore(), sent);

        assertThat(job.getSpec()).as("the pod template, the runner's environment").isNull();
        assertThat(job.getMetadata().getManagedFields()).isNullOrEmpty();
        // what JobObserver, Admission, PipelineIndex, Canceller and RunnerPods read
        expected.getMetadata().setManagedFields(null);
        assertThat(job.getMetadata()).isEqualTo(expected.getMetadata());
        assertThat(job.getStatus()).isEqualTo(expected.getStatus());
        assertThat(Jobs.succeeded(job)).isTrue();
        assertThat(Jobs.attempts(job)).isEqualTo(1);
    }

    @Test
    void aCachedFileKeepsItsSpecAndStatusAndDropsOnlyTheManagedFields() {
        var sent = new EtlFile();
        sent.setMetadata(new ObjectMetaBuilder().withName("data-csv-0123").withNamespace("etl")
                .withUid("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11").withResourceVersion("4712")
                .withLabels(Map.of(Labels.PIPELINE, "csv")).withManagedFields(MANAGED_FIELDS).build());
        sent.getSpec().setPipeline("csv");
        sent.getSpec().setBucket("etl");
        sent.getSpec().setInboxKey("tests/01_inbox/data.csv");
        sent.getSpec().setOriginalName("data.csv");
        sent.getStatus().setPhase(FilePhase.Succeeded);
        sent.getStatus().setFileId("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11");
        sent.getStatus().setCurrentKey("tests/03_archive/data.csv");
        EtlFile expected = JSON.clone(sent);
        expected.getMetadata().setManagedFields(null);

        EtlFile file = cached(CachePruning.store(), sent);

        assertThat(file.getMetadata()).isEqualTo(expected.getMetadata());
        assertThat(file.getSpec()).usingRecursiveComparison().isEqualTo(expected.getSpec());
        assertThat(file.getStatus()).usingRecursiveComparison().isEqualTo(expected.getStatus());
    }
}

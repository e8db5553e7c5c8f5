package io.castiron.etl.operator.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.OperatorTestSupport;
import io.castiron.etl.operator.TestServersResource;
import io.castiron.etl.operator.Topic;
import io.castiron.etl.status.FileStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A Job can be Failed (past its deadline, Kubernetes 1.30) while its pod is still terminating and its runner still
 * archiving the file: the operator must not move the file to error until the pod has ended, or the file ends in two
 * stage folders. The mock API server stands in for the Job controller here, as no real one marks a Job Failed ahead
 * of its pods any more.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class PodsOutliveTheirJobTest extends OperatorTestSupport {
    @Test
    void aFailedJobsFileIsLeftAloneUntilItsPodHasEndedAndEndsInOneStage() {
        String bucket = newBucket();
        createPipeline("deadline", bucket, ".csv", 1);
        awaitStages(bucket);
        drop(bucket, "tests/01_inbox/late.csv", "id\n1\n");
        EtlFile f = awaitOnlyFile("deadline", FilePhase.Running);
        String job = f.getMetadata().getName();
        Pod pod = client.pods().inNamespace(client.getNamespace()).resource(new PodBuilder()
                .withNewMetadata().withName(job + "-runner").addToLabels(RunnerPods.JOB_NAME_LABEL, job).endMetadata()
                .withNewSpec().addNewContainer().withName("runner").withImage("runner").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus()
                .build()).create();

        finishJob(job, false, "DeadlineExceeded");
        await().atMost(WAIT).until(() -> file(job).getStatus().getMessage() != null
                && file(job).getStatus().getMessage().contains("waiting for its pod to stop")
                || phase(file(job)).isFinal());
        assertThat(phase(file(job))).as("the file while its runner's pod still runs").isEqualTo(FilePhase.Running);
        assertThat(store.exists(bucket, f.getStatus().getCurrentKey())).isTrue();

        // the runner finishes its archiving, then its pod ends
        String archived = "tests/03_archive/" + f.getStatus().getFileId() + "-late.csv";
        store.move(bucket, f.getStatus().getCurrentKey(), archived, null);
        client.resource(pod).delete();

        await().atMost(WAIT).until(() -> phase(file(job)).isFinal());
        assertThat(phase(file(job))).isEqualTo(FilePhase.Succeeded);
        assertThat(file(job).getStatus().getCurrentKey()).isEqualTo(archived);
        assertThat(store.exists(bucket, "tests/04_failed/" + f.getStatus().getFileId() + "-late.csv")).isFalse();
        assertThat(store.exists(bucket, f.getStatus().getCurrentKey())).isFalse();
        // the runner was stopped before its row update: the operator records the outcome, and its one message
        String id = f.getStatus().getFileId();
        var row = statusStore.findById(UUID.fromString(id)).orElseThrow();
        assertThat(row.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(row.fileName()).isEqualTo(archived);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Topic.messagesFor(settings, id))
                .filteredOn(m -> m.contains("\"status\"")).containsExactly(
                        "{\"type\":\"job_update\",\"job_id\":\"" + id + "\",\"status\":\"success\"}"));
    }

    /**
     * A cancel whose Job's runner was stopped between its archive copy and the delete of the processing copy: the
     * runner had finished, so the file keeps that outcome and is in archive only (before, the cancel moved the
     * processing copy to canceled beside the archived one).
     */
    @Test
    void aCancelAfterAnInterruptedArchiveMoveLeavesTheFileInArchiveOnly() {
        String bucket = newBucket();
        createPipeline("interrupted", bucket, ".csv", 1);
        awaitStages(bucket);
        drop(bucket, "tests/01_inbox/halfway.csv", "id\n1\n");
        EtlFile f = awaitOnlyFile("interrupted", FilePhase.Running);
        String archived = "tests/03_archive/" + f.getStatus().getFileId() + "-halfway.csv";
        store.upload(bucket, archived, "id\n1\n".getBytes(), "text/csv", java.util.Map.of());

        client.resources(EtlFile.class).inNamespace(client.getNamespace()).withName(f.getMetadata().getName())
                .edit(e -> {
                    e.getMetadata().getAnnotations().put(EtlFile.CANCEL_ANNOTATION, "true");
                    return e;
                });
        await().atMost(WAIT).until(() -> phase(file(f.getMetadata().getName())).isFinal());
        assertThat(phase(file(f.getMetadata().getName()))).isEqualTo(FilePhase.Succeeded);
        assertThat(store.exists(bucket, archived)).isTrue();
        assertThat(store.exists(bucket, f.getStatus().getCurrentKey())).isFalse();
        assertThat(store.exists(bucket, "tests/05_canceled/" + f.getStatus().getFileId() + "-halfway.csv")).isFalse();
        var row = statusStore.findById(UUID.fromString(f.getStatus().getFileId())).orElseThrow();
        assertThat(row.status()).as("the row of a file its stopped runner had archived").isEqualTo(FileStatus.COMPLETE);
        assertThat(row.fileName()).isEqualTo(archived);
    }
}

package io.castiron.etl.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.operator.OperatorTestSupport;
import io.castiron.etl.operator.TestServersResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The staging way into {@link Admission}, at the one moment the pipeline's reconcile cannot be relied on to win: a
 * slot has just freed and files wait for it. The pipeline is never created in the API, so its own reconcile never
 * admits the queue behind the test's back; its files are real objects, seen by the operator's informers.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class AdmissionAtStagingTest extends OperatorTestSupport {
    private static final String PIPELINE = "queue-jump";

    @Inject
    Admission admission;

    @Inject
    PipelineIndex index;

    @AfterEach
    void removeTheFilesAndJobs() {
        client.batch().v1().jobs().inNamespace(client.getNamespace()).withLabel(Labels.PIPELINE, PIPELINE).delete();
        client.resources(EtlFile.class).inNamespace(client.getNamespace()).withLabel(Labels.PIPELINE, PIPELINE)
                .delete();
    }

    @Test
    void aFileStagedAsASlotFreesQueuesBehindTheFilesThatWaitAndTheOldestGetsTheSlot() {
        EtlPipeline pipeline = pipelineSpec(PIPELINE, newBucket(), ".csv", 1);
        String key = EtlPipelineReconciler.pipelineKey(pipeline);
        Context<EtlPipeline> context = clientOnlyContext();

        // The one slot: a file staged while nobody waits gets its Job at once.
        EtlFile first = claimed("queue-jump-first");
        assertThat(stage(pipeline, first, context).launched()).isTrue();
        EtlFile oldest = queued("queue-jump-oldest", "2026-01-01T00:00:01Z");
        EtlFile next = queued("queue-jump-next", "2026-01-01T00:00:02Z");
        await().atMost(WAIT).until(() -> names(index.queuedFiles(key))
                .containsAll(List.of(oldest.getMetadata().getName(), next.getMetadata().getName())));

        // The slot frees, and the operator has seen it (before its pipeline's reconcile could admit the queue).
        finishJob(first.getMetadata().getName(), true, "Completed");
        await().atMost(WAIT).until(() -> index.activeJobs(key).isEmpty()
                && index.hasJob(client.getNamespace(), first.getMetadata().getName()));

        // A file staged at that moment waits behind the queue: first in, first out.
        EtlFile newcomer = claimed("queue-jump-newcomer");
        assertThat(stage(pipeline, newcomer, context).launched()).as("the newcomer took the free slot").isFalse();
        assertThat(job(newcomer.getMetadata().getName())).isEmpty();

        var admitted = admission.admit(pipeline, context);
        assertThat(job(oldest.getMetadata().getName())).as("the oldest queued file's Job").isPresent();
        assertThat(job(next.getMetadata().getName())).isEmpty();
        assertThat(job(newcomer.getMetadata().getName())).isEmpty();
        assertThat(admitted.active()).isEqualTo(1);
    }

    private Admission.Staged stage(EtlPipeline pipeline, EtlFile file, Context<EtlPipeline> context) {
        String id = file.getMetadata().getUid();
        return admission.launchAtStaging(pipeline, file, id,
                "tests/02_processing/" + id + "-" + file.getSpec().getOriginalName(), context, null);
    }

    /** An EtlFile as the inbox scan creates it (Pending), once the operator has noted its missing pipeline. */
    private EtlFile claimed(String name) {
        var file = new EtlFile();
        file.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(client.getNamespace())
                .withLabels(Map.of(Labels.PIPELINE, PIPELINE)).build());
        file.getSpec().setPipeline(PIPELINE);
        file.getSpec().setBucket("etl");
        file.getSpec().setInboxKey("tests/01_inbox/" + name + ".csv");
        file.getSpec().setOriginalName(name + ".csv");
        client.resource(file).create();
        // the operator's own status write (PipelineMissing) comes first, so it cannot overwrite the test's
        await().atMost(WAIT).until(() -> file(name).getStatus() != null && file(name).getStatus().getMessage() != null);
        return file(name);
    }

    /** A staged file waiting for a slot since {@code queuedTime}. */
    private EtlFile queued(String name, String queuedTime) {
        String id = claimed(name).getMetadata().getUid();
        client.resources(EtlFile.class).inNamespace(client.getNamespace()).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), """
                        {"status": {"phase": "Queued", "queuedTime": "%s", "fileId": "%s",
                         "currentKey": "tests/02_processing/%s-%s.csv"}}""".formatted(queuedTime, id, id, name));
        return file(name);
    }

    private static List<String> names(List<EtlFile> files) {
        return files.stream().map(f -> f.getMetadata().getName()).toList();
    }

    /** Admission needs of its context only the client it creates Jobs with. */
    @SuppressWarnings("unchecked")
    private <P extends HasMetadata> Context<P> clientOnlyContext() {
        return (Context<P>) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getClient" -> client;
                    case "toString" -> "a context with just a client";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("Context." + method.getName());
                });
    }
}

package io.castiron.etl.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.operator.CachePruning;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.operator.OperatorTestSupport;
import io.castiron.etl.operator.TestServersResource;
import io.castiron.etl.operator.file.EtlFileReconciler;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The informers list in pages and keep objects without their managedFields, and Jobs without their spec
 * ({@link CachePruning}).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class InformerCachePruningTest extends OperatorTestSupport {
    @Inject
    PipelineIndex index;

    @Inject
    Operator operator;

    @Test
    void everyInformerListsInPages() {
        for (String name : List.of(EtlFileReconciler.NAME, EtlPipelineReconciler.NAME)) {
            var controller = (Controller<?>) operator.getRegisteredController(name).orElseThrow();
            List<Long> pages = controller.getEventSourceManager().allEventSources().stream()
                    .filter(ManagedInformerEventSource.class::isInstance)
                    .map(s -> ((ManagedInformerEventSource<?, ?, ?>) s).configuration().getInformerConfig()
                            .getInformerListLimit())
                    .toList();
            // the controller's own informer and those of its event sources (Jobs and pipelines; files)
            assertThat(pages).as(name).hasSizeGreaterThan(1).containsOnly(CachePruning.LIST_PAGE);
        }
    }

    @Test
    void theOperatorsCachesHoldFilesWithoutTheirManagedFields() {
        var file = new EtlFile();
        file.setMetadata(new ObjectMetaBuilder().withName("pruned-in-cache").withNamespace(client.getNamespace())
                .withLabels(Map.of(Labels.PIPELINE, "pruned"))
                .withManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("kubectl")
                        .withOperation("Update").withApiVersion("etl.castiron.io/v1alpha1").build()))
                .build());
        file.getSpec().setPipeline("pruned");
        file.getSpec().setBucket("etl");
        file.getSpec().setInboxKey("tests/01_inbox/pruned.csv");
        file.getSpec().setOriginalName("pruned.csv");
        client.resource(file).create();
        assertThat(file("pruned-in-cache").getMetadata().getManagedFields()).as("as the API server keeps it")
                .isNotEmpty();

        await().atMost(WAIT).until(() -> index.file(client.getNamespace(), "pruned-in-cache").isPresent());
        assertThat(index.file(client.getNamespace(), "pruned-in-cache").orElseThrow().getMetadata()
                .getManagedFields()).isNullOrEmpty();
        // the file controller's own informer: configured by annotation, so checked by its configuration
        assertThat(operator.getRegisteredController(EtlFileReconciler.NAME).orElseThrow().getConfiguration()
                .getInformerConfig().getItemStore()).isInstanceOf(CachePruning.Store.class);
        client.resource(file).delete();
    }

    @Test
    void theJobsCacheHoldsJobsWithoutTheirPodTemplate() {
        var job = new JobBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("pruned-job").withNamespace(client.getNamespace())
                        .withLabels(Labels.forFile("pruned-jobs", "pruned-job"))
                        .withAnnotations(Map.of(Labels.PIPELINE_NAME, "pruned-jobs")).build())
                .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("runner").withImage("runner:1").endContainer()
                .endSpec().endTemplate().endSpec()
                .build();
        client.resource(job).create();
        String pipeline = EtlPipelineReconciler.pipelineKey(client.getNamespace(), "pruned-jobs");

        await().atMost(WAIT).until(() -> !index.activeJobs(pipeline).isEmpty());
        Job cached = index.activeJobs(pipeline).get(0);
        assertThat(cached.getMetadata().getName()).isEqualTo("pruned-job");
        assertThat(cached.getSpec()).isNull();
        client.resource(job).delete();
    }
}

package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.runner.progress.ProgressState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * What the runner sends to the Kubernetes API, request by request. The mock server enforces no RBAC, so this
 * pins the requests themselves to what the runner's Role in the chart grants: {@code patch} on
 * {@code etlfiles/status}, nothing else (not even {@code get}).
 */
@EnableKubernetesMockClient
class EtlFileStatusPatcherTest {
    private static final String NAMESPACE = "team-a";
    private static final String NAME = "data-csv-0123456789abcdef";
    private static final String STATUS_PATH = "/apis/" + EtlPipeline.GROUP + "/" + EtlPipeline.VERSION
            + "/namespaces/" + NAMESPACE + "/" + HasMetadata.getPlural(EtlFile.class) + "/" + NAME + "/status";
    private static final ObjectMapper JSON = new ObjectMapper();

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void progressIsOneMergePatchOfTheStatusWithNoReadOfTheEtlFileFirst() throws Exception {
        var patched = new EtlFile();
        patched.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NAMESPACE).build());
        server.expect().patch().withPath(STATUS_PATH).andReturn(200, patched).once();

        new EtlFileStatusPatcher(() -> client, NAMESPACE, NAME)
                .patch(new ProgressState(0.5, "counting rows", 3L));

        var sent = new ArrayList<String>();
        RecordedRequest last = null;
        for (int i = server.getRequestCount(); i > 0; i--) {
            last = server.takeRequest(1, TimeUnit.SECONDS);
            sent.add(last.getMethod() + " " + last.getPath());
        }
        assertThat(sent).as("the requests sent: the patch alone, no GET before it")
                .containsExactly("PATCH " + STATUS_PATH);
        assertThat(last.getHeader("Content-Type")).startsWith("application/merge-patch+json");
        assertThat(JSON.readTree(last.getUtf8Body())).isEqualTo(
                JSON.readTree("{\"status\":{\"progress\":0.5,\"task\":\"counting rows\",\"committed\":3}}"));
    }

    /** A batch makes two patchers per file: they share one client (one connection), never one each. */
    @Test
    void everyPatcherOfARunSharesOneClient() {
        var clients = EtlFileStatusPatcher.inClusterClient(
                Map.of(EtlFileStatusPatcher.IN_CLUSTER_VARIABLE, "10.0.0.1"));
        KubernetesClient first = clients.get();
        try {
            assertThat(clients.get()).isSameAs(first);
        } finally {
            first.close();
        }
        assertThat(EtlFileStatusPatcher.inClusterClient(Map.of())).as("outside a cluster").isNull();
    }
}

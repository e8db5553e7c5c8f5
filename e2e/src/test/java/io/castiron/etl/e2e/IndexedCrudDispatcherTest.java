package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** The name index answers as the stock CRUD mock does: same names in other namespaces or kinds, every write kind. */
class IndexedCrudDispatcherTest {
    private final IndexedCrudDispatcher dispatcher = new IndexedCrudDispatcher(List.of());
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        assertThat(dispatcher.indexed()).as("every stored key was the one the index computed").isTrue();
        client.close();
        server.destroy();
    }

    private static ConfigMap map(String namespace, String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withData(Map.of("v", value)).build();
    }

    @Test
    void sameNameInOtherNamespacesAndKindsStaysApart() {
        client.resource(map("a", "x", "in a")).create();
        client.resource(map("b", "x", "in b")).create();
        client.resource(new SecretBuilder().withNewMetadata().withNamespace("a").withName("x").endMetadata().build())
                .create();

        assertThat(client.configMaps().inNamespace("a").withName("x").get().getData()).containsEntry("v", "in a");
        assertThat(client.configMaps().inNamespace("b").withName("x").get().getData()).containsEntry("v", "in b");
        assertThat(client.secrets().inNamespace("a").withName("x").get()).isNotNull();
        assertThat(client.configMaps().inNamespace("c").withName("x").get()).isNull();
        assertThat(client.configMaps().inAnyNamespace().list().getItems()).hasSize(2);
    }

    @Test
    void createOfATakenNameConflicts() {
        client.resource(map("a", "x", "first")).create();

        assertThatThrownBy(() -> client.resource(map("a", "x", "second")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(client.configMaps().inNamespace("a").withName("x").get().getData()).containsEntry("v", "first");
    }

    @Test
    void updatesPatchesAndDeletesAreFoundByName() {
        client.resource(map("a", "x", "1")).create();
        client.configMaps().inNamespace("a").withName("x").edit(m -> {
            m.getData().put("v", "2");
            return m;
        });
        assertThat(client.configMaps().inNamespace("a").withName("x").get().getData()).containsEntry("v", "2");

        client.configMaps().inNamespace("a").withName("x")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"v\":\"3\"}}");
        assertThat(client.configMaps().inNamespace("a").withName("x").get().getData()).containsEntry("v", "3");

        client.resource(map("a", "x", "4")).update();
        assertThat(client.configMaps().inNamespace("a").withName("x").get().getData()).containsEntry("v", "4");

        client.configMaps().inNamespace("a").withName("x").delete();
        assertThat(client.configMaps().inNamespace("a").withName("x").get()).isNull();
        client.resource(map("a", "x", "again")).create();
        assertThat(client.configMaps().inNamespace("a").withName("x").get().getData()).containsEntry("v", "again");
    }
}

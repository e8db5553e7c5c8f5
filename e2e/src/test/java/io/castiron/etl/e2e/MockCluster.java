package io.castiron.etl.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/** The Kubernetes API of the end-to-end tests: Fabric8's mock server in CRUD mode, with the project's CRDs. */
final class MockCluster implements AutoCloseable {
    static final String NAMESPACE = "etl";

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    MockCluster() throws IOException {
        var crds = new ArrayList<CustomResourceDefinition>();
        try (var files = Files.list(Path.of(System.getProperty("castiron.crds.dir", "../crds")))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                crds.add(Serialization.unmarshal(Files.readString(p), CustomResourceDefinition.class));
            }
        }
        List<CustomResourceDefinitionContext> contexts = crds.stream()
                .map(CustomResourceDefinitionContext::fromCrd).toList();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new LeaseAccessGranted(contexts), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient().inNamespace(NAMESPACE);
        for (var crd : crds) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
    }

    /**
     * The operator's leader election first asks whether it may use Leases (a SelfSubjectRulesReview); the CRUD
     * mock cannot answer that, so this grants it, as the chart's RBAC does in a cluster.
     */
    private static final class LeaseAccessGranted extends KubernetesCrudDispatcher {
        LeaseAccessGranted(List<CustomResourceDefinitionContext> contexts) {
            super(contexts);
        }

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (request.getPath().contains("/selfsubjectrulesreviews")) {
                var review = new SelfSubjectRulesReviewBuilder()
                        .withNewMetadata().endMetadata()
                        .withNewStatus()
                            .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withVerbs("*")
                            .endResourceRule()
                            .withIncomplete(false)
                        .endStatus()
                        .build();
                return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
            }
            return super.handleCreate(request);
        }
    }

    NamespacedKubernetesClient client() {
        return client;
    }

    String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}

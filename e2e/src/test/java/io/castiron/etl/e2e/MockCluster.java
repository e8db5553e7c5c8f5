package io.castiron.etl.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

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
    private final LeaseAccessGranted dispatcher;
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
        dispatcher = new LeaseAccessGranted(contexts);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
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
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        private final LongAdder nanos = new LongAdder();

        LeaseAccessGranted(List<CustomResourceDefinitionContext> contexts) {
            super(contexts);
        }

        /** Counts each request by verb and resource, and the time the mock spends answering (for the bench). */
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            long start = System.nanoTime();
            try {
                return super.dispatch(request);
            } finally {
                nanos.add(System.nanoTime() - start);
                counts.computeIfAbsent(describe(request), k -> new LongAdder()).increment();
            }
        }

        private static String describe(RecordedRequest request) {
            String path = request.getPath();
            int query = path.indexOf('?');
            String[] parts = (query < 0 ? path : path.substring(0, query)).split("/");
            // .../namespaces/<ns>/<resource>[/<name>[/<subresource>]]
            String resource = "?";
            String sub = "";
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].equals("namespaces") && i + 2 < parts.length) {
                    resource = parts[i + 2];
                    sub = i + 4 < parts.length ? "/" + parts[i + 4] : "";
                    break;
                }
            }
            boolean watch = path.contains("watch=true");
            return request.getMethod() + " " + resource + sub + (watch ? " (watch)" : "");
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

    /** Requests answered so far, by verb and resource, e.g. {@code POST etlfiles}. */
    Map<String, Long> requestCounts() {
        var copy = new TreeMap<String, Long>();
        dispatcher.counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Time the mock has spent answering requests, summed over its threads. */
    Duration busyTime() {
        return Duration.ofNanos(dispatcher.nanos.sum());
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

package io.castiron.etl.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The Kubernetes API of the end-to-end tests: Fabric8's mock server in CRUD mode, with the project's CRDs, and its
 * objects indexed by name ({@link IndexedCrudDispatcher}).
 */
final class MockCluster implements AutoCloseable {
    static final String NAMESPACE = "etl";
    /** The finalizer the API server puts on an object deleted in the foreground. */
    static final String FOREGROUND_DELETION = "foregroundDeletion";

    private final KubernetesMockServer server;
    private final ClusterDispatcher dispatcher;
    private final NamespacedKubernetesClient client;

    static {
        // The mock logs every request at INFO: thousands of lines per test, and a tenth of its CPU in the bench.
        java.util.logging.Logger.getLogger(MockWebServer.class.getName()).setLevel(java.util.logging.Level.WARNING);
    }

    MockCluster() throws IOException {
        var crds = new ArrayList<CustomResourceDefinition>();
        try (var files = Files.list(Path.of(System.getProperty("castiron.crds.dir", "../crds")))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                crds.add(Serialization.unmarshal(Files.readString(p), CustomResourceDefinition.class));
            }
        }
        List<CustomResourceDefinitionContext> contexts = crds.stream()
                .map(CustomResourceDefinitionContext::fromCrd).toList();
        dispatcher = new ClusterDispatcher(contexts);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient().inNamespace(NAMESPACE);
        for (var crd : crds) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
    }

    /**
     * The stock CRUD mock (objects indexed by name), plus what the end-to-end tests need of a real API server:
     * <ul>
     * <li>The operator's leader election first asks whether it may use Leases (a SelfSubjectRulesReview); the CRUD
     * mock cannot answer that, so this grants it, as the chart's RBAC does in a cluster.</li>
     * <li>Foreground deletion: a DELETE with {@code propagationPolicy: Foreground} first gets the
     * {@value #FOREGROUND_DELETION} finalizer, as the API server adds it, so the object is only marked deleted and
     * stays until its dependents are gone. In a cluster the garbage collector then removes the finalizer; here the
     * Job stand-in does once the Job's runner has stopped (the operator's cancel relies on that order).</li>
     * <li>For the bench: requests by verb and resource, and the CPU time spent answering them.</li>
     * </ul>
     */
    private static final class ClusterDispatcher extends IndexedCrudDispatcher {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        private final LongAdder cpuNanos = new LongAdder();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        ClusterDispatcher(List<CustomResourceDefinitionContext> contexts) {
            super(contexts);
        }

        /**
         * Counts each request by verb and resource, and the CPU time the mock spends answering (for the bench; CPU,
         * not wall time, which on a busy machine mostly measures waiting for a core).
         */
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            long start = threads.getCurrentThreadCpuTime();
            try {
                if (request.method() == HttpMethod.DELETE && request.getBody() != null
                        && request.getUtf8Body().contains("\"Foreground\"")) {
                    super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PATCH, request.getPath(),
                            Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
                            new Buffer().writeUtf8("{\"metadata\":{\"finalizers\":[\"" + FOREGROUND_DELETION
                                    + "\"]}}")));
                }
                return super.dispatch(request);
            } finally {
                cpuNanos.add(threads.getCurrentThreadCpuTime() - start);
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

    /** Starts the request counts and their CPU time afresh (for a figure of one batch). */
    void resetRequestCounts() {
        dispatcher.counts.clear();
        dispatcher.cpuNanos.reset();
    }

    /** CPU time the mock has spent answering requests (watch events it sends later are not included). */
    Duration cpuTime() {
        return Duration.ofNanos(dispatcher.cpuNanos.sum());
    }

    /** Whether the mock looked objects up by name throughout (see {@link IndexedCrudDispatcher}). */
    boolean indexed() {
        return dispatcher.indexed();
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

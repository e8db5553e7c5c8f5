package io.castiron.etl.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.castiron.etl.operator.config.Leadership;
import io.castiron.etl.operator.helm.OperatorPermissions.Need;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The requests leader election sends on the operator's Lease, recorded by the mock server: the election is built as
 * the operator SDK's LeaderElectionManager builds it (Fabric8's LeaseLock and LeaderElector, no release on cancel).
 * The mock server enforces no RBAC, so the verbs are compared with {@link OperatorPermissions}, which the chart's
 * leader-election Role must grant exactly (HelmChartTest).
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionRequestsTest {
    private static final String NAMESPACE = "etl-system";
    private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";
    private static final String LEASE = LEASES + "/" + Leadership.LEASE;

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void acquiringAndRenewingTheLeaseSendsOnlyVerbsTheOperatorIsGranted() throws InterruptedException {
        var election = client.leaderElector().withConfig(new LeaderElectionConfig(
                new LeaseLock(NAMESPACE, Leadership.LEASE, "operator-0"), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofMillis(100), new LeaderCallbacks(() -> { }, () -> { }, leader -> { }), false,
                Leadership.LEASE)).build();
        var sent = new ArrayList<RecordedRequest>();
        CompletableFuture<?> running = election.start();
        try {
            // the first try creates the Lease; the tries after it renew it
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                takeRequests(sent);
                return sent.stream().anyMatch(r -> r.getMethod().equals("PATCH"));
            });
        } finally {
            running.cancel(true);
        }

        assertThat(sent.stream().map(r -> r.getMethod() + " " + r.getPath()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("GET " + LEASE, "POST " + LEASES, "PATCH " + LEASE);
        Set<String> verbsSent = sent.stream().map(r -> verb(r.getMethod()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(verbsSent).as("Fabric8's LeaseLock reads, creates, and renews with a JSON merge patch")
                .containsExactly("create", "get", "patch");
        assertThat(leaseVerbsGranted()).as("lease verbs in OperatorPermissions.IN_OPERATOR_NAMESPACE")
                .containsAll(verbsSent);
    }

    private void takeRequests(List<RecordedRequest> sent) throws InterruptedException {
        for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null;
                r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
            sent.add(r);
        }
    }

    private static Set<String> leaseVerbsGranted() {
        return OperatorPermissions.IN_OPERATOR_NAMESPACE.stream()
                .filter(n -> n.group().equals("coordination.k8s.io") && n.resource().equals("leases"))
                .map(Need::verb).collect(Collectors.toSet());
    }

    /** The RBAC verb the API server checks for each request above (its GET names the Lease: get, not list). */
    private static String verb(String method) {
        return switch (method) {
            case "GET" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> throw new AssertionError("unexpected method " + method);
        };
    }
}

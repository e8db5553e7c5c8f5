package io.castiron.etl.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.FilePhase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(TestServersResource.class)
class ObservabilityTest extends OperatorTestSupport {
    @TestHTTPResource("/")
    URL root;

    private String get(String path) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    @Test
    void prometheusMetricsCountClaimsQueueAndOutcomesPerPipeline() throws Exception {
        String bucket = newBucket();
        createPipeline("metered", bucket, ".csv", 1);
        drop(bucket, "tests/01_inbox/m1.csv", "1");
        drop(bucket, "tests/01_inbox/m2.csv", "2");
        await().atMost(WAIT).until(() -> filesOf("metered").stream().anyMatch(f -> phase(f) == FilePhase.Running)
                && filesOf("metered").stream().anyMatch(f -> phase(f) == FilePhase.Queued));
        processSuccessfully(filesOf("metered").stream().filter(f -> phase(f) == FilePhase.Running).findFirst()
                .orElseThrow());
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = get("q/metrics");
            assertThat(metrics).startsWith("200");
            assertThat(metrics).containsPattern("etl_files_claimed_total\\{[^}]*pipeline=\"metered\"[^}]*\\} 2\\.0");
            assertThat(metrics).containsPattern(
                    "etl_files_finished_total\\{[^}]*phase=\"Succeeded\"[^}]*pipeline=\"metered\"[^}]*\\} 1\\.0");
            assertThat(metrics).containsPattern("etl_jobs_running\\{[^}]*pipeline=\"metered\"[^}]*\\} 1\\.0");
            assertThat(metrics).contains("etl_claim_to_start_seconds");
        });
    }

    @Test
    void healthProbesAnswer() throws Exception {
        assertThat(get("q/health/live")).startsWith("200").contains("UP");
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("q/health/ready")).startsWith("200").contains("UP"));
    }
}

package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.castiron.etl.demo.Demo;

/**
 * {@code make demo ONCE=1}'s code path: a control plane of its own, the chart installed by helm, and the operator
 * run as the chart Deployment's pod on the process node (not as a test process, as {@link Harness} runs it), so the
 * Deployment's wiring is what is tested: its env and the credentials Secret, its ServiceAccount and RBAC, its probe
 * paths; with the real MinIO server.
 */
class DemoTest {
    @Test
    void everyExampleFileSucceedsWithTheOperatorAsTheChartsPod() throws Exception {
        Path state = Path.of(System.getProperty("castiron.logs.dir", "target/e2e-logs")).resolve("demo");
        var options = Demo.Options.example(LocalKubernetes.REPOSITORY, state, true);
        try (var demo = new Demo(options, System.out)) {
            Demo.Outcome outcome = demo.run();

            assertThat(outcome.dropped()).isPositive();
            assertThat(outcome.failures()).isEmpty();
            assertThat(outcome.allSucceeded()).isTrue();
        }
    }
}

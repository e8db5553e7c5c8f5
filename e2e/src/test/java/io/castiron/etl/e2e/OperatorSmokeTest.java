package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

@ExtendWith(TestServers.class)
class OperatorSmokeTest {
    @Test
    void packagedOperatorRunsAgainstTheMockCluster(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        env.putAll(s3.settingsEnv());
        env.putAll(pg.settingsEnv(pg.newEmptyDatabase()));
        env.putAll(kafka.settingsEnv());
        var store = ObjectStore.from(Settings.from(env));
        try (var cluster = new MockCluster();
                var operator = new OperatorProcess(cluster, env, Map.of()).start()) {
            var p = new EtlPipeline();
            p.setMetadata(new ObjectMetaBuilder().withName("smoke").withNamespace(MockCluster.NAMESPACE).build());
            p.getSpec().setBucket("smoke");
            p.getSpec().setHandledFileGlob(".csv");
            p.getSpec().setStages(new Stages("in", "proc", "done", "err", null));
            p.getSpec().setProcessor(Processor.shell("true"));
            cluster.client().resource(p).create();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(store.exists("smoke", "in/.keep")).isTrue());
        }
    }
}

package io.castiron.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/** The testkit repeats Settings' variable names (it cannot depend on core); this keeps the two in step. */
@ExtendWith(TestServers.class)
class TestkitSettingsEnvTest {

    @Test
    void theTestServersEnvironmentIsReadBySettings(S3TestServer s3, PostgresTestServer postgres,
            KafkaTestServer kafka) {
        var env = new HashMap<String, String>();
        env.putAll(s3.settingsEnv());
        env.putAll(postgres.settingsEnv());
        env.putAll(kafka.settingsEnv());

        var settings = Settings.from(env);

        assertThat(settings.s3Endpoint()).isEqualTo(s3.endpoint());
        assertThat(settings.s3AccessKey()).isEqualTo(s3.accessKey());
        assertThat(settings.s3SecretKey()).isEqualTo(s3.secretKey());
        assertThat(settings.s3Region()).isEqualTo(s3.region());
        assertThat(settings.postgresUrl()).isEqualTo(postgres.jdbcUrl());
        assertThat(settings.postgresUser()).isEqualTo(postgres.user());
        assertThat(settings.postgresPassword()).isEqualTo(postgres.password());
        assertThat(settings.kafkaBootstrapServers()).isEqualTo(kafka.bootstrapServers());
        assertThat(env.keySet()).allMatch(name -> name.startsWith("ETL_"));
    }
}

package io.castiron.etl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @Test
    void defaultsMatchTheOriginalToolsLayout() {
        var s = Settings.from(Map.of());
        assertThat(s.configBucket()).isEqualTo("etl");
        assertThat(s.kafkaTopic()).isEqualTo("pizza-tracker");
        assertThat(s.kafkaEnabled()).isFalse();
        assertThat(s.s3Endpoint()).isEqualTo("http://localhost:9000");
    }

    @Test
    void hostPortEndpointUsesHttpsWhenSecure() {
        var s = Settings.from(Map.of(Settings.S3_ENDPOINT, "minio:9000", Settings.S3_SECURE, "true",
                Settings.KAFKA_BOOTSTRAP_SERVERS, "kafka:9092"));
        assertThat(s.s3Endpoint()).isEqualTo("https://minio:9000");
        assertThat(s.kafkaEnabled()).isTrue();
    }

    @Test
    void dotEnvFileIsReadWithCommentsExportsAndQuotes(@TempDir Path dir) throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, """
                # local stack
                export ETL_S3_ACCESS_KEY="minio"
                ETL_S3_SECRET_KEY='secret=1'

                ETL_KAFKA_TOPIC = progress
                not a line
                """);
        assertThat(Settings.readDotEnv(env)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ETL_S3_ACCESS_KEY", "minio", "ETL_S3_SECRET_KEY", "secret=1", "ETL_KAFKA_TOPIC", "progress"));
    }

    @Test
    void toStringNeverShowsSecrets() {
        var s = Settings.from(Map.of(Settings.S3_SECRET_KEY, "hunter2", Settings.POSTGRES_PASSWORD, "pw-123"));
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("pw-123");
    }

    @Test
    void durationsReadLikeKubernetesOnes() {
        assertThat(Durations.parse("poll_interval", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("poll_interval", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("retention", "24h")).isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> Durations.parse("retention", "1 day"))
                .hasMessageContaining("retention").hasMessageContaining("'1 day'");
    }
}

package io.castiron.etl.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Connection settings shared by operator and runner, from environment variables and, for a developer's
 * machine, a {@code .env} file in the working directory (the environment wins). The one place their
 * names are defined.
 */
public record Settings(
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Region,
        String configBucket,
        String postgresUrl,
        String postgresUser,
        String postgresPassword,
        String kafkaBootstrapServers,
        String kafkaTopic,
        boolean kafkaProcessingStatus) {

    public static final String S3_ENDPOINT = "ETL_S3_ENDPOINT";
    public static final String S3_SECURE = "ETL_S3_SECURE";
    public static final String S3_ACCESS_KEY = "ETL_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY = "ETL_S3_SECRET_KEY";
    public static final String S3_REGION = "ETL_S3_REGION";
    public static final String CONFIG_BUCKET = "ETL_CONFIG_BUCKET";
    public static final String POSTGRES_URL = "ETL_POSTGRES_URL";
    public static final String POSTGRES_USER = "ETL_POSTGRES_USER";
    public static final String POSTGRES_PASSWORD = "ETL_POSTGRES_PASSWORD";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "ETL_KAFKA_BOOTSTRAP_SERVERS";
    public static final String KAFKA_TOPIC = "ETL_KAFKA_TOPIC";
    /**
     * {@code true} adds a {@code processing} status message when each runner attempt starts. Off by default: the
     * original sent only {@code success}, {@code failure} and {@code canceled}, and consumers that take any status
     * as final would misread it.
     */
    public static final String KAFKA_PROCESSING_STATUS = "ETL_KAFKA_PROCESSING_STATUS";

    /** Every variable name above. */
    public static final List<String> NAMES = List.of(S3_ENDPOINT, S3_SECURE, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION,
            CONFIG_BUCKET, POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD, KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC,
            KAFKA_PROCESSING_STATUS);

    public static final String DEFAULT_CONFIG_BUCKET = "etl";
    public static final String DEFAULT_KAFKA_TOPIC = "pizza-tracker";

    /** The process environment over {@code ./.env}. */
    public static Settings fromEnvironment() {
        var values = new HashMap<>(readDotEnv(Path.of(".env")));
        values.putAll(System.getenv());
        return from(values);
    }

    /**
     * Settings from a map of variables. {@code ETL_S3_ENDPOINT} may be a URL or {@code host:port}; the latter
     * uses https when {@code ETL_S3_SECURE=true}.
     */
    public static Settings from(Map<String, String> env) {
        String endpoint = value(env, S3_ENDPOINT).orElse("localhost:9000");
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            boolean secure = value(env, S3_SECURE).map(Boolean::parseBoolean).orElse(false);
            endpoint = (secure ? "https://" : "http://") + endpoint;
        }
        return new Settings(
                endpoint,
                value(env, S3_ACCESS_KEY).orElse(""),
                value(env, S3_SECRET_KEY).orElse(""),
                value(env, S3_REGION).orElse("us-east-1"),
                value(env, CONFIG_BUCKET).orElse(DEFAULT_CONFIG_BUCKET),
                value(env, POSTGRES_URL).orElse("jdbc:postgresql://localhost:5432/etl"),
                value(env, POSTGRES_USER).orElse("etl"),
                value(env, POSTGRES_PASSWORD).orElse(""),
                value(env, KAFKA_BOOTSTRAP_SERVERS).orElse(""),
                value(env, KAFKA_TOPIC).orElse(DEFAULT_KAFKA_TOPIC),
                value(env, KAFKA_PROCESSING_STATUS).map(Boolean::parseBoolean).orElse(false));
    }

    /** Kafka is optional: off when no bootstrap servers are set. */
    public boolean kafkaEnabled() {
        return !kafkaBootstrapServers.isBlank();
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** {@code KEY=value} lines; blank lines and {@code #} comments skipped; optional quotes stripped. */
    static Map<String, String> readDotEnv(Path file) {
        var values = new HashMap<String, String>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                if (trimmed.startsWith("export ")) {
                    trimmed = trimmed.substring("export ".length()).trim();
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String value = trimmed.substring(eq + 1).trim();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(trimmed.substring(0, eq).trim(), value);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return values;
    }

    @Override
    public String toString() {
        return "Settings{s3=" + s3Endpoint + ", configBucket=" + configBucket + ", postgres=" + postgresUrl
                + ", kafka=" + (kafkaEnabled() ? kafkaBootstrapServers + " topic " + kafkaTopic : "off") + "}";
    }
}

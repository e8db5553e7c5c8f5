package io.castiron.etl.testkit;

/**
 * The environment-variable names of core's {@code io.castiron.etl.config.Settings}, repeated here because the
 * testkit must not depend on core. Core's {@code TestkitSettingsEnvTest} fails when the two drift apart.
 */
final class SettingsEnvNames {
    static final String S3_ENDPOINT = "ETL_S3_ENDPOINT";
    static final String S3_ACCESS_KEY = "ETL_S3_ACCESS_KEY";
    static final String S3_SECRET_KEY = "ETL_S3_SECRET_KEY";
    static final String S3_REGION = "ETL_S3_REGION";
    static final String POSTGRES_URL = "ETL_POSTGRES_URL";
    static final String POSTGRES_USER = "ETL_POSTGRES_USER";
    static final String POSTGRES_PASSWORD = "ETL_POSTGRES_PASSWORD";
    static final String KAFKA_BOOTSTRAP_SERVERS = "ETL_KAFKA_BOOTSTRAP_SERVERS";

    private SettingsEnvNames() {
    }
}

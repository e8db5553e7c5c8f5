package io.castiron.etl.contract;

/**
 * The keys of the Secret that holds the credentials of operator and runners (named by the operator's
 * {@code etl.runner.credentials-secret}, created by the Helm chart or by hand). Jobs read them by
 * {@code secretKeyRef}; they are never copied into a Job in plain text.
 */
public final class CredentialsSecret {
    public static final String DEFAULT_NAME = "castiron-etl-credentials";
    public static final String S3_ACCESS_KEY = "s3-access-key";
    public static final String S3_SECRET_KEY = "s3-secret-key";
    public static final String POSTGRES_USER = "postgres-user";
    public static final String POSTGRES_PASSWORD = "postgres-password";

    private CredentialsSecret() {
    }
}

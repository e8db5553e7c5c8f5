package io.castiron.etl.operator.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's own settings ({@code etl.*} in application.properties, or {@code ETL_RUNNER_IMAGE} etc.). */
@ConfigMapping(prefix = "etl")
public interface OperatorConfig {
    Runner runner();

    ConfigBucket configBucket();

    LeaderElection leaderElection();

    Postgres postgres();

    S3 s3();

    /** The operator's connections to PostgreSQL (the runner opens its own, one at a time). */
    interface Postgres {
        /** Most connections the operator holds open at once. */
        @WithDefault("10")
        int poolSize();
    }

    /** The operator's requests to the object store. */
    interface S3 {
        /** Most requests in flight at once (staging many files, scanning inboxes). */
        @WithDefault("32")
        int maxConcurrentRequests();
    }

    /** Timing of the leader-election Lease (active in the prod profile). */
    interface LeaderElection {
        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    /** TOML files in the config bucket (ETL_CONFIG_BUCKET) become EtlPipelines in the operator's namespace. */
    interface ConfigBucket {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("10s")
        Duration pollInterval();
    }

    interface Runner {
        /** Image of each file's Job, unless the pipeline names one. */
        String image();

        Optional<String> imagePullPolicy();

        Optional<String> serviceAccountName();

        @WithDefault("3")
        int backoffLimit();

        Optional<Long> activeDeadlineSeconds();

        /**
         * How long a Job may wait for its runner to start (image pull, scheduling, its Secret) before its file ends
         * in error; a pipeline's {@code spec.runner.startTimeoutSeconds} overrides it.
         */
        @WithDefault("5m")
        Duration startTimeout();

        /** Secret with the keys s3-access-key, s3-secret-key, postgres-user, postgres-password. */
        String credentialsSecret();
    }
}

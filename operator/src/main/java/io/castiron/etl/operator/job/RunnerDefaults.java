package io.castiron.etl.operator.job;

import java.util.Optional;

/**
 * What a pipeline's Job uses where its {@code spec.runner} says nothing, and where the runner's credentials
 * live. Read from the operator's configuration ({@code etl.runner.*}).
 */
public record RunnerDefaults(
        String image,
        Optional<String> imagePullPolicy,
        Optional<String> serviceAccountName,
        int backoffLimit,
        Optional<Long> activeDeadlineSeconds,
        String credentialsSecret) {
}

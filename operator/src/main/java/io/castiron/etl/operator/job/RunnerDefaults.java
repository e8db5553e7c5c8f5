package io.castiron.etl.operator.job;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What a pipeline's Job uses where its {@code spec.runner} says nothing, and where the runner's credentials
 * live. Read from the operator's configuration ({@code etl.runner.*}).
 *
 * @param resources    the runner container's requests and limits; a memory limit also bounds the runner's heap
 *                     (75% of it), which keeps the JVM's settings those its class-data archive was made with
 * @param tmpSizeLimit the size limit of the runner's {@code /tmp} emptyDir, where the file is downloaded
 */
public record RunnerDefaults(
        String image,
        Optional<String> imagePullPolicy,
        Optional<String> serviceAccountName,
        int backoffLimit,
        Optional<Long> activeDeadlineSeconds,
        String credentialsSecret,
        Optional<ResourceRequirements> resources,
        Optional<Quantity> tmpSizeLimit) {

    /** The resources of {@code ETL_RUNNER_RESOURCES}, JSON as the Helm chart renders {@code runner.resources}. */
    public static ResourceRequirements resourcesFromJson(String json) {
        try {
            return Serialization.unmarshal(json, ResourceRequirements.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ETL_RUNNER_RESOURCES is not a container's resources as JSON ("
                    + e.getMessage() + "): " + json, e);
        }
    }
}

package io.castiron.etl.operator.file;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.config.Durations;
import io.castiron.etl.operator.Times;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** Deletes a finished EtlFile (and, by owner reference, its Job) once the pipeline's retention has passed. */
@ApplicationScoped
public class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);

    /** @return how long until the file is due, or empty when it was deleted now */
    public Optional<Duration> apply(Context<EtlFile> context, EtlFile file, EtlPipeline pipeline) {
        String retention = pipeline != null ? pipeline.getSpec().getRetention() : EtlPipelineSpec.DEFAULT_RETENTION;
        Instant finished = Optional.ofNullable(Times.parse(file.getStatus().getCompletionTime()))
                .orElse(Times.parse(file.getMetadata().getCreationTimestamp()));
        Instant due = (finished == null ? Instant.now() : finished).plus(Durations.parse("retention", retention));
        Duration left = Duration.between(Instant.now(), due);
        if (!left.isNegative() && !left.isZero()) {
            return Optional.of(left);
        }
        context.getClient().resource(file).delete();
        LOG.infof("pipeline %s/%s: file %s retained %s after it finished; deleted EtlFile %s",
                file.getMetadata().getNamespace(), file.getSpec().getPipeline(), file.getStatus().getFileId(),
                retention, file.getMetadata().getName());
        return Optional.empty();
    }
}

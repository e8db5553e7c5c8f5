package io.castiron.etl.toml;

import java.util.List;
import java.util.Map;

import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * A decoded pipeline TOML.
 *
 * @param title    the optional top-level {@code title}, or null
 * @param spec     the pipeline; bucket and prefix keep their defaults, callers set them from where the TOML lives
 * @param warnings keys that were ignored, each naming the key and its line
 */
public record PipelineConfig(String title, EtlPipelineSpec spec, List<String> warnings) {
    /** Where a TOML's title is kept on its EtlPipeline. */
    public static final String TITLE_ANNOTATION = EtlPipeline.GROUP + "/title";

    public PipelineConfig {
        warnings = List.copyOf(warnings);
    }

    /** The EtlPipeline for this config (no status), as both {@code kubectl apply} and the config bucket create it. */
    public EtlPipeline toResource(String name, String namespace) {
        var pipeline = new EtlPipeline();
        var metadata = new ObjectMetaBuilder().withName(name).withNamespace(namespace);
        if (title != null && !title.isBlank()) {
            metadata.withAnnotations(Map.of(TITLE_ANNOTATION, title));
        }
        pipeline.setMetadata(metadata.build());
        pipeline.setSpec(spec);
        pipeline.setStatus(null);
        return pipeline;
    }
}

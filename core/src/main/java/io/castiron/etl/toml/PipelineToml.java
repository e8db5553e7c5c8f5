package io.castiron.etl.toml;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;

/**
 * The pipeline TOML format: the original tool's {@code [castiron.etl]} table, unchanged, plus extension keys
 * ({@code max_concurrent_jobs}, {@code poll_interval}, {@code retention}, {@code [castiron.etl.java]},
 * {@code [castiron.etl.runner]}). Bucket and prefix are not TOML keys: they come from where the TOML lives.
 */
public final class PipelineToml {
    private PipelineToml() {
    }

    /**
     * Reads a pipeline TOML and validates it as {@link io.castiron.etl.api.v1alpha1.PipelineValidation} does.
     *
     * @param sourceName names the document in errors and warnings, e.g. its object key or path
     * @throws TomlConfigException naming the line and key of the first problem
     */
    public static PipelineConfig decode(String text, String sourceName) {
        return new PipelineTomlDecoder(sourceName).decode(text);
    }

    /**
     * Writes a spec as pipeline TOML such that {@code decode} gives the same spec back, except bucket and prefix
     * (not TOML keys) and null fields that have defaults (they come back as the default).
     *
     * @param title the top-level {@code title}, or null for none
     * @throws IllegalArgumentException naming the field when the spec holds what TOML cannot express (an env
     *                                  var from valueFrom, envFrom with prefix or optional, a null kwarg, ...)
     */
    public static String encode(EtlPipelineSpec spec, String title) {
        return new PipelineTomlEncoder().encode(spec, title);
    }
}

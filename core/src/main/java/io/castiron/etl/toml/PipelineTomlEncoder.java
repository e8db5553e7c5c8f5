package io.castiron.etl.toml;

import static io.castiron.etl.toml.TomlKeys.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.api.v1alpha1.Stages;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * {@link EtlPipelineSpec} -> TOML text in the original's layout, {@code [castiron.etl]} first. Throws
 * {@link IllegalArgumentException} naming the field when the spec holds something TOML cannot express.
 */
final class PipelineTomlEncoder {
    private final StringBuilder out = new StringBuilder();

    String encode(EtlPipelineSpec spec, String title) {
        Objects.requireNonNull(spec, "spec");
        if (title != null) {
            entry(TITLE, TomlText.string(title));
        }
        header(ETL_TABLE, false);
        if (spec.getEnabled() != null) {
            entry(ENABLED, spec.getEnabled().toString());
        }
        stringEntry(HANDLED_FILE_GLOB, spec.getHandledFileGlob());
        Stages stages = spec.getStages() == null ? new Stages() : spec.getStages();
        stringEntry(INBOX_DIR, stages.getInbox());
        stringEntry(PROCESSING_DIR, stages.getProcessing());
        stringEntry(ARCHIVE_DIR, stages.getArchive());
        stringEntry(ERROR_DIR, stages.getError());
        stringEntry(CANCELED_DIR, stages.getCanceled());
        if (spec.getSaveErrorLog() != null) {
            entry(SAVE_ERROR_LOG, spec.getSaveErrorLog().toString());
        }
        Processor processor = spec.getProcessor() == null ? new Processor() : spec.getProcessor();
        if (processor.getShell() != null) {
            stringEntry(SHELL, processor.getShell().getScript());
        }
        // extension keys are written only when they differ from what an absent key decodes to
        if (spec.getMaxConcurrentJobs() != null
                && spec.getMaxConcurrentJobs() != EtlPipelineSpec.DEFAULT_MAX_CONCURRENT_JOBS) {
            entry(MAX_CONCURRENT_JOBS, spec.getMaxConcurrentJobs().toString());
        }
        if (!EtlPipelineSpec.DEFAULT_POLL_INTERVAL.equals(spec.getPollInterval())) {
            stringEntry(POLL_INTERVAL, spec.getPollInterval());
        }
        if (!EtlPipelineSpec.DEFAULT_RETENTION.equals(spec.getRetention())) {
            stringEntry(RETENTION, spec.getRetention());
        }
        if (processor.getPython() != null) {
            python(processor.getPython());
        }
        if (processor.getJava() != null) {
            java(processor.getJava());
        }
        if (spec.getRunner() != null) {
            runner(spec.getRunner());
        }
        return out.toString();
    }

    private void python(PythonProcessor python) {
        List<String> table = sub(ETL_TABLE, PYTHON);
        header(table, false);
        stringEntry(WORKER_RUN_METHOD, python.getWorkerRunMethod());
        stringEntry(WORKER_CLASS, python.getWorkerClass());
        stringEntry(WORKER_SETUP_METHOD, python.getWorkerSetupMethod());
        if (python.getSupportsPizzaTracker() != null) {
            entry(SUPPORTS_PIZZA_TRACKER, python.getSupportsPizzaTracker().toString());
        }
        if (python.getSupportsMetadata() != null) {
            entry(SUPPORTS_METADATA, python.getSupportsMetadata().toString());
        }
        kwargs(table, "processor.python", python.getStaticKwargs(), python.getEnvironmentKwargs());
    }

    private void java(JavaProcessor java) {
        List<String> table = sub(ETL_TABLE, JAVA);
        header(table, false);
        stringEntry(CLASS_NAME, java.getClassName());
        kwargs(table, "processor.java", java.getStaticKwargs(), java.getEnvironmentKwargs());
    }

    private void kwargs(List<String> table, String field, Map<String, JsonNode> staticKwargs,
            Map<String, String> environmentKwargs) {
        if (staticKwargs != null && !staticKwargs.isEmpty()) {
            header(sub(table, STATIC_KWARGS), false);
            staticKwargs.forEach((name, value) ->
                    entry(name, TomlText.json(value, field + ".staticKwargs." + name)));
        }
        stringTable(sub(table, ENVIRONMENT_KWARGS), field + ".environmentKwargs", environmentKwargs);
    }

    private void runner(RunnerSpec runner) {
        if (runner.getPodSecurityContext() != null || runner.getSecurityContext() != null) {
            throw TomlText.inexpressible("runner.securityContext",
                    "cannot be expressed in TOML; apply the EtlPipeline with kubectl instead");
        }
        List<String> table = sub(ETL_TABLE, RUNNER);
        header(table, false);
        stringEntry(IMAGE, runner.getImage());
        stringEntry(IMAGE_PULL_POLICY, runner.getImagePullPolicy());
        stringEntry(SERVICE_ACCOUNT_NAME, runner.getServiceAccountName());
        if (runner.getActiveDeadlineSeconds() != null) {
            entry(ACTIVE_DEADLINE_SECONDS, runner.getActiveDeadlineSeconds().toString());
        }
        if (runner.getStartTimeoutSeconds() != null) {
            entry(START_TIMEOUT_SECONDS, runner.getStartTimeoutSeconds().toString());
        }
        if (runner.getBackoffLimit() != null) {
            entry(BACKOFF_LIMIT, runner.getBackoffLimit().toString());
        }
        if (runner.getFilesPerJob() != null) {
            entry(FILES_PER_JOB, runner.getFilesPerJob().toString());
        }
        envFrom(runner.getEnvFrom());
        stringTable(sub(table, NODE_SELECTOR), "runner.nodeSelector", runner.getNodeSelector());
        env(sub(table, ENV), runner.getEnv());
        resources(sub(table, RESOURCES), runner.getResources());
        tolerations(sub(table, TOLERATIONS), runner.getTolerations());
    }

    /** TOML lists secrets, then config maps, by name only: other orders and options cannot be written. */
    private void envFrom(List<EnvFromSource> envFrom) {
        if (envFrom == null) {
            return;
        }
        var secrets = new ArrayList<String>();
        var configMaps = new ArrayList<String>();
        for (int i = 0; i < envFrom.size(); i++) {
            EnvFromSource source = envFrom.get(i);
            String field = "runner.envFrom[" + i + "]";
            if (source == null || source.getPrefix() != null || !source.getAdditionalProperties().isEmpty()
                    || (source.getSecretRef() == null) == (source.getConfigMapRef() == null)) {
                throw TomlText.inexpressible(field, "is not just one secretRef or configMapRef by name; TOML's "
                        + ENV_FROM_SECRETS + " and " + ENV_FROM_CONFIG_MAPS + " cannot express it");
            }
            if (source.getSecretRef() != null) {
                if (!configMaps.isEmpty()) {
                    throw TomlText.inexpressible(field, "is a secret after a config map; TOML lists secrets "
                            + "first, so this order cannot be expressed");
                }
                secrets.add(refName(field + ".secretRef", source.getSecretRef().getName(),
                        source.getSecretRef().getOptional(), source.getSecretRef().getAdditionalProperties()));
            } else {
                configMaps.add(refName(field + ".configMapRef", source.getConfigMapRef().getName(),
                        source.getConfigMapRef().getOptional(), source.getConfigMapRef().getAdditionalProperties()));
            }
        }
        stringArray(ENV_FROM_SECRETS, secrets);
        stringArray(ENV_FROM_CONFIG_MAPS, configMaps);
    }

    private static String refName(String field, String name, Boolean optional, Map<String, Object> extra) {
        if (optional != null || !extra.isEmpty()) {
            throw TomlText.inexpressible(field, "sets more than a name (e.g. optional), which TOML cannot express");
        }
        if (name == null) {
            throw TomlText.inexpressible(field + ".name", "is missing");
        }
        return name;
    }

    private void env(List<String> table, List<EnvVar> env) {
        if (env == null || env.isEmpty()) {
            return;
        }
        header(table, false);
        var names = new HashSet<String>();
        for (int i = 0; i < env.size(); i++) {
            EnvVar var = env.get(i);
            String field = "runner.env[" + i + "]";
            if (var == null || var.getName() == null) {
                throw TomlText.inexpressible(field + ".name", "is missing");
            }
            if (var.getValueFrom() != null || !var.getAdditionalProperties().isEmpty()) {
                throw TomlText.inexpressible(field, "(" + var.getName() + ") takes its value from valueFrom; TOML "
                        + "[castiron.etl.runner.env] holds plain values only (use env_from_secrets for secrets)");
            }
            if (var.getValue() == null) {
                throw TomlText.inexpressible(field, "(" + var.getName() + ") has no value; TOML cannot express that");
            }
            if (!names.add(var.getName())) {
                throw TomlText.inexpressible(field, "(" + var.getName() + ") repeats a name; a TOML table cannot");
            }
            entry(var.getName(), TomlText.string(var.getValue()));
        }
    }

    private void resources(List<String> table, ResourceRequirements resources) {
        if (resources == null) {
            return;
        }
        if (resources.getClaims() != null && !resources.getClaims().isEmpty()
                || !resources.getAdditionalProperties().isEmpty()) {
            throw TomlText.inexpressible("runner.resources", "sets more than requests and limits (e.g. claims), "
                    + "which TOML cannot express");
        }
        boolean requests = resources.getRequests() != null && !resources.getRequests().isEmpty();
        boolean limits = resources.getLimits() != null && !resources.getLimits().isEmpty();
        if (!requests && !limits) {
            header(table, false);
            return;
        }
        quantities(sub(table, REQUESTS), "runner.resources.requests", resources.getRequests());
        quantities(sub(table, LIMITS), "runner.resources.limits", resources.getLimits());
    }

    private void quantities(List<String> table, String field, Map<String, Quantity> quantities) {
        if (quantities == null || quantities.isEmpty()) {
            return;
        }
        header(table, false);
        quantities.forEach((name, quantity) -> {
            if (quantity == null) {
                throw TomlText.inexpressible(field + "." + name, "is null, and TOML has no null");
            }
            entry(name, TomlText.quoted(quantity.toString()));
        });
    }

    private void tolerations(List<String> table, List<Toleration> tolerations) {
        if (tolerations == null) {
            return;
        }
        for (int i = 0; i < tolerations.size(); i++) {
            Toleration toleration = tolerations.get(i);
            if (toleration == null || !toleration.getAdditionalProperties().isEmpty()) {
                throw TomlText.inexpressible("runner.tolerations[" + i + "]", "cannot be expressed in TOML");
            }
            header(table, true);
            stringEntry(KEY, toleration.getKey());
            stringEntry(OPERATOR, toleration.getOperator());
            stringEntry(VALUE, toleration.getValue());
            stringEntry(EFFECT, toleration.getEffect());
            if (toleration.getTolerationSeconds() != null) {
                entry(TOLERATION_SECONDS, toleration.getTolerationSeconds().toString());
            }
        }
    }

    private void stringTable(List<String> table, String field, Map<String, String> values) {
        if (values == null || values.isEmpty()) {
            return;
        }
        header(table, false);
        values.forEach((name, value) -> {
            if (value == null) {
                throw TomlText.inexpressible(field + "." + name, "is null, and TOML has no null");
            }
            entry(name, TomlText.string(value));
        });
    }

    private void stringArray(String key, List<String> values) {
        if (!values.isEmpty()) {
            entry(key, "[" + String.join(", ", values.stream().map(TomlText::quoted).toList()) + "]");
        }
    }

    private void stringEntry(String key, String value) {
        if (value != null) {
            entry(key, TomlText.string(value));
        }
    }

    private void entry(String key, String literal) {
        out.append(TomlKeys.key(key)).append(" = ").append(literal).append('\n');
    }

    private void header(List<String> table, boolean arrayOfTables) {
        if (!out.isEmpty()) {
            out.append('\n');
        }
        String name = display(table);
        out.append(arrayOfTables ? "[[" + name + "]]" : "[" + name + "]").append('\n');
    }

    private static List<String> sub(List<String> table, String key) {
        var path = new ArrayList<>(table);
        path.add(key);
        return path;
    }
}

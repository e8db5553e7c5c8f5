package io.castiron.etl.toml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The pipeline TOML's key names, shared by decoder and encoder, and how a spec field maps to its key. */
final class TomlKeys {
    static final String TITLE = "title";
    static final String CASTIRON = "castiron";
    static final String ETL = "etl";
    static final List<String> ETL_TABLE = List.of(CASTIRON, ETL);

    // [castiron.etl], the original's keys
    static final String ENABLED = "enabled";
    static final String HANDLED_FILE_GLOB = "handled_file_glob";
    static final String INBOX_DIR = "inbox_dir";
    static final String PROCESSING_DIR = "processing_dir";
    static final String ARCHIVE_DIR = "archive_dir";
    static final String ERROR_DIR = "error_dir";
    static final String CANCELED_DIR = "canceled_dir";
    static final String SAVE_ERROR_LOG = "save_error_log";
    static final String SHELL = "shell";
    static final String PYTHON = "python";
    // [castiron.etl], extensions
    static final String MAX_CONCURRENT_JOBS = "max_concurrent_jobs";
    static final String POLL_INTERVAL = "poll_interval";
    static final String RETENTION = "retention";
    static final String JAVA = "java";
    static final String RUNNER = "runner";

    // [castiron.etl.python] and [castiron.etl.java]
    static final String WORKER_RUN_METHOD = "worker_run_method";
    static final String WORKER_CLASS = "worker_class";
    static final String WORKER_SETUP_METHOD = "worker_setup_method";
    static final String SUPPORTS_PIZZA_TRACKER = "supports_pizza_tracker";
    static final String SUPPORTS_METADATA = "supports_metadata";
    static final String STATIC_KWARGS = "static_kwargs";
    static final String ENVIRONMENT_KWARGS = "environment_kwargs";
    static final String CLASS_NAME = "class_name";

    // [castiron.etl.runner]
    static final String IMAGE = "image";
    static final String IMAGE_PULL_POLICY = "image_pull_policy";
    static final String SERVICE_ACCOUNT_NAME = "service_account_name";
    static final String ACTIVE_DEADLINE_SECONDS = "active_deadline_seconds";
    static final String START_TIMEOUT_SECONDS = "start_timeout_seconds";
    static final String BACKOFF_LIMIT = "backoff_limit";
    static final String FILES_PER_JOB = "files_per_job";
    static final String NODE_SELECTOR = "node_selector";
    static final String ENV = "env";
    static final String ENV_FROM_SECRETS = "env_from_secrets";
    static final String ENV_FROM_CONFIG_MAPS = "env_from_config_maps";
    static final String RESOURCES = "resources";
    static final String REQUESTS = "requests";
    static final String LIMITS = "limits";
    static final String TOLERATIONS = "tolerations";
    static final String KEY = "key";
    static final String OPERATOR = "operator";
    static final String VALUE = "value";
    static final String EFFECT = "effect";
    static final String TOLERATION_SECONDS = "toleration_seconds";

    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d+)]");

    private TomlKeys() {
    }

    /**
     * The TOML key path of a spec field as {@link io.castiron.etl.api.v1alpha1.PipelineValidation} names it
     * ({@code stages.inbox} -> {@code castiron.etl.inbox_dir}); array elements are {@code [i]} segments.
     * Stops at the deepest key the TOML has for it (env vars are a table keyed by name, not a list).
     */
    static List<String> pathOfField(String field) {
        var path = new ArrayList<>(ETL_TABLE);
        for (String quantities : List.of("runner.resources.requests.", "runner.resources.limits.")) {
            if (field.startsWith(quantities)) {
                // resource names such as nvidia.com/gpu hold dots: keep the rest as one key
                path.addAll(List.of(RUNNER, RESOURCES, quantities.contains(REQUESTS) ? REQUESTS : LIMITS));
                path.add(field.substring(quantities.length()));
                return path;
            }
        }
        if (field.equals("processor.shell.script")) {
            path.add(SHELL);
            return path;
        }
        if (field.startsWith("stages.")) {
            path.add(field.substring("stages.".length()) + "_dir");
            return path;
        }
        if (field.isEmpty() || List.of("stages", "prefix", "bucket", "processor").contains(field)) {
            return path;
        }
        String rest = field.startsWith("processor.") ? field.substring("processor.".length()) : field;
        for (String segment : rest.split("\\.")) {
            var indexed = INDEXED.matcher(segment);
            if (!indexed.matches()) {
                path.add(snake(segment));
                continue;
            }
            path.add(snake(indexed.group(1)));
            if (indexed.group(1).equals(ENV)) {
                return path; // env vars are a table keyed by name, not a list
            }
            path.add("[" + indexed.group(2) + "]");
        }
        return path;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** {@code castiron.etl.runner.tolerations[0].effect}, quoting segments that are not bare keys. */
    static String display(List<String> path) {
        var text = new StringBuilder();
        for (String segment : path) {
            if (segment.startsWith("[")) {
                text.append(segment);
                continue;
            }
            if (!text.isEmpty()) {
                text.append('.');
            }
            text.append(key(segment));
        }
        return text.toString();
    }

    /** A key as written in TOML: bare when it can be, else a quoted string. */
    static String key(String key) {
        return BARE_KEY.matcher(key).matches() ? key : TomlText.quoted(key);
    }
}

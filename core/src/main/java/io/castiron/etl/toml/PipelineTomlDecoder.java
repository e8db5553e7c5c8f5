package io.castiron.etl.toml;

import static io.castiron.etl.toml.TomlKeys.*;

import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.api.v1alpha1.PipelineValidation;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.api.v1alpha1.ShellProcessor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.matching.FileMatcher;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.Toleration;

/** TOML text -> {@link PipelineConfig}; every failure names the source, line and key. */
final class PipelineTomlDecoder {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String sourceName;
    private final List<String> warnings = new ArrayList<>();

    PipelineTomlDecoder(String sourceName) {
        this.sourceName = sourceName == null || sourceName.isBlank() ? "<toml>" : sourceName;
    }

    PipelineConfig decode(String text) {
        if (text == null || text.isBlank()) {
            throw new TomlConfigException(sourceName, 0, null, "the document is empty; a pipeline needs a "
                    + "[castiron.etl] table");
        }
        TomlParseResult document = Toml.parse(text);
        if (document.hasErrors()) {
            var first = document.errors().get(0);
            throw new TomlConfigException(sourceName, TomlSection.line(first.position()), null,
                    "invalid TOML: " + first.getMessage());
        }
        if (document.isEmpty()) {
            throw new TomlConfigException(sourceName, 0, null, "the document holds no keys (only comments or "
                    + "blank lines); a pipeline needs a [castiron.etl] table");
        }
        var root = new TomlSection(sourceName, document, List.of());
        String title = root.string(TITLE).orElse(null);
        TomlSection castiron = root.table(CASTIRON).orElseThrow(this::missingEtlTable);
        TomlSection etl = castiron.table(ETL).orElseThrow(this::missingEtlTable);

        EtlPipelineSpec spec = readEtl(etl);
        root.reportUnknownKeys(warnings);
        castiron.reportUnknownKeys(warnings);
        List<PipelineValidation.Problem> problems = PipelineValidation.check(spec);
        if (!problems.isEmpty()) {
            throw located(document, spec, problems.get(0));
        }
        noteHowPatternsAreRead(document, spec);
        return new PipelineConfig(title, spec, warnings);
    }

    /** Where an alternative of handled_file_glob could be read two ways, a warning says which way it is read. */
    private void noteHowPatternsAreRead(TomlTable document, EtlPipelineSpec spec) {
        var path = new ArrayList<>(ETL_TABLE);
        path.add(HANDLED_FILE_GLOB);
        int line = lineOf(document, path);
        FileMatcher.compile(spec.getHandledFileGlob()).notes()
                .forEach(note -> warnings.add(sourceName + (line > 0 ? " line " + line : "") + ": " + note));
    }

    private TomlConfigException missingEtlTable() {
        return new TomlConfigException(sourceName, 0, display(ETL_TABLE),
                "table [castiron.etl] is missing; it holds the pipeline (handled_file_glob, the *_dir keys, "
                        + "and shell or [castiron.etl.python])");
    }

    private EtlPipelineSpec readEtl(TomlSection etl) {
        var spec = new EtlPipelineSpec();
        etl.bool(ENABLED).ifPresent(spec::setEnabled);
        etl.string(HANDLED_FILE_GLOB).ifPresent(spec::setHandledFileGlob);
        var stages = new Stages();
        etl.string(INBOX_DIR).ifPresent(stages::setInbox);
        etl.string(PROCESSING_DIR).ifPresent(stages::setProcessing);
        etl.string(ARCHIVE_DIR).ifPresent(stages::setArchive);
        etl.string(ERROR_DIR).ifPresent(stages::setError);
        etl.string(CANCELED_DIR).ifPresent(stages::setCanceled);
        spec.setStages(stages);
        etl.bool(SAVE_ERROR_LOG).ifPresent(spec::setSaveErrorLog);

        var processor = new Processor();
        etl.string(SHELL).ifPresent(script -> processor.setShell(new ShellProcessor(script)));
        etl.table(PYTHON).ifPresent(python -> processor.setPython(readPython(python)));
        etl.table(JAVA).ifPresent(java -> processor.setJava(readJava(java)));
        spec.setProcessor(processor);

        etl.smallInteger(MAX_CONCURRENT_JOBS).ifPresent(spec::setMaxConcurrentJobs);
        etl.string(POLL_INTERVAL).ifPresent(spec::setPollInterval);
        etl.string(RETENTION).ifPresent(spec::setRetention);
        etl.table(RUNNER).ifPresent(runner -> spec.setRunner(readRunner(runner)));
        etl.reportUnknownKeys(warnings);
        return spec;
    }

    private PythonProcessor readPython(TomlSection python) {
        var processor = new PythonProcessor();
        python.string(WORKER_RUN_METHOD).ifPresent(processor::setWorkerRunMethod);
        python.string(WORKER_CLASS).ifPresent(processor::setWorkerClass);
        python.string(WORKER_SETUP_METHOD).ifPresent(processor::setWorkerSetupMethod);
        python.bool(SUPPORTS_PIZZA_TRACKER).ifPresent(processor::setSupportsPizzaTracker);
        python.bool(SUPPORTS_METADATA).ifPresent(processor::setSupportsMetadata);
        processor.setStaticKwargs(kwargs(python));
        processor.setEnvironmentKwargs(python.stringTable(ENVIRONMENT_KWARGS));
        python.reportUnknownKeys(warnings);
        return processor;
    }

    private JavaProcessor readJava(TomlSection java) {
        var processor = new JavaProcessor();
        java.string(CLASS_NAME).ifPresent(processor::setClassName);
        processor.setStaticKwargs(kwargs(java));
        processor.setEnvironmentKwargs(java.stringTable(ENVIRONMENT_KWARGS));
        java.reportUnknownKeys(warnings);
        return processor;
    }

    private Map<String, JsonNode> kwargs(TomlSection processor) {
        var kwargs = new LinkedHashMap<String, JsonNode>();
        processor.table(STATIC_KWARGS).ifPresent(table -> table.entries().forEach(
                (name, value) -> kwargs.put(name, json(value, table, name))));
        return kwargs;
    }

    /**
     * A TOML value as JSON; dates, times, inf and nan, which JSON has not, become {@link TomlValues}' tagged objects,
     * so that Python gets them as the original's TOML reader gave them.
     */
    private JsonNode json(Object value, TomlSection table, String key) {
        if (value instanceof String s) {
            return JSON.textNode(s);
        } else if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        } else if (value instanceof Long n) {
            // the node type Jackson gives the same number read from JSON, so trees compare equal
            return n == n.intValue() ? JSON.numberNode(n.intValue()) : JSON.numberNode(n);
        } else if (value instanceof Double d) {
            return Double.isFinite(d) ? JSON.numberNode(d) : TomlValues.of(d);
        } else if (value instanceof TemporalAccessor time) {
            return TomlValues.of(time);
        } else if (value instanceof TomlArray array) {
            ArrayNode node = JSON.arrayNode();
            for (int i = 0; i < array.size(); i++) {
                node.add(json(array.get(i), table, key));
            }
            return node;
        } else if (value instanceof TomlTable nested) {
            ObjectNode node = JSON.objectNode();
            for (String name : nested.keySet()) {
                node.set(name, json(nested.get(List.of(name)), table, key));
            }
            return node;
        }
        throw table.error(key, "unsupported value " + TomlSection.typeName(value));
    }

    private RunnerSpec readRunner(TomlSection section) {
        var runner = new RunnerSpec();
        section.string(IMAGE).ifPresent(runner::setImage);
        section.string(IMAGE_PULL_POLICY).ifPresent(runner::setImagePullPolicy);
        section.string(SERVICE_ACCOUNT_NAME).ifPresent(runner::setServiceAccountName);
        section.integer(ACTIVE_DEADLINE_SECONDS).ifPresent(runner::setActiveDeadlineSeconds);
        section.integer(START_TIMEOUT_SECONDS).ifPresent(runner::setStartTimeoutSeconds);
        section.smallInteger(BACKOFF_LIMIT).ifPresent(runner::setBackoffLimit);
        section.smallInteger(FILES_PER_JOB).ifPresent(runner::setFilesPerJob);
        runner.setNodeSelector(section.stringTable(NODE_SELECTOR));

        var env = new ArrayList<EnvVar>();
        section.stringTable(ENV).forEach((name, value) -> env.add(new EnvVar(name, value, null)));
        runner.setEnv(env);
        var envFrom = new ArrayList<EnvFromSource>();
        for (String secret : section.stringArray(ENV_FROM_SECRETS)) {
            envFrom.add(new EnvFromSource(null, null, new SecretEnvSource(secret, null)));
        }
        for (String configMap : section.stringArray(ENV_FROM_CONFIG_MAPS)) {
            envFrom.add(new EnvFromSource(new ConfigMapEnvSource(configMap, null), null, null));
        }
        runner.setEnvFrom(envFrom);

        section.table(RESOURCES).ifPresent(resources -> {
            var requirements = new ResourceRequirements();
            requirements.setRequests(quantities(resources, REQUESTS));
            requirements.setLimits(quantities(resources, LIMITS));
            resources.reportUnknownKeys(warnings);
            runner.setResources(requirements);
        });

        var tolerations = new ArrayList<Toleration>();
        for (TomlSection item : section.tableArray(TOLERATIONS)) {
            var toleration = new Toleration();
            item.string(KEY).ifPresent(toleration::setKey);
            item.string(OPERATOR).ifPresent(toleration::setOperator);
            item.string(VALUE).ifPresent(toleration::setValue);
            item.string(EFFECT).ifPresent(toleration::setEffect);
            item.integer(TOLERATION_SECONDS).ifPresent(toleration::setTolerationSeconds);
            item.reportUnknownKeys(warnings);
            tolerations.add(toleration);
        }
        runner.setTolerations(tolerations);
        section.reportUnknownKeys(warnings);
        return runner;
    }

    /** Quantities as Kubernetes writes them: strings ("500m", "1Gi"); plain integers are accepted too. */
    private Map<String, Quantity> quantities(TomlSection resources, String key) {
        var quantities = new LinkedHashMap<String, Quantity>();
        resources.table(key).ifPresent(table -> table.entries().forEach((name, value) -> {
            if (!(value instanceof String) && !(value instanceof Long)) {
                throw table.error(name, "expected a quantity string such as \"500m\" or \"1Gi\", found "
                        + TomlSection.typeName(value));
            }
            // the same lenient reading a CR from kubectl gets; PipelineValidation then rejects bad quantities
            quantities.put(name, MAPPER.convertValue(String.valueOf(value), Quantity.class));
        }));
        return quantities;
    }

    /** A validation problem with the TOML key it came from and that key's line (or its table's). */
    private TomlConfigException located(TomlTable document, EtlPipelineSpec spec, PipelineValidation.Problem problem) {
        List<String> path = TomlKeys.pathOfField(problem.field());
        String message = problem.message();
        if (problem.field().equals("processor")) {
            List<String> kinds = spec.getProcessor().kindsSet();
            if (kinds.isEmpty()) {
                message = "none of shell, [castiron.etl.python], [castiron.etl.java] is set; set exactly one";
            } else {
                path = new ArrayList<>(ETL_TABLE);
                path.add(kinds.get(kinds.size() - 1));
                message = String.join(" and ", kinds.stream().map(PipelineTomlDecoder::tomlName).toList())
                        + (kinds.size() == 2 ? " are both set" : " are all set") + "; keep exactly one";
            }
        }
        return new TomlConfigException(sourceName, lineOf(document, path), display(path), message);
    }

    private static String tomlName(String processorKind) {
        return processorKind.equals(SHELL) ? SHELL : "[castiron.etl." + processorKind + "]";
    }

    /** The line of the deepest part of the path the document has: the key itself, or the table it belongs in. */
    private static int lineOf(TomlTable document, List<String> path) {
        Object node = document;
        int line = 0;
        for (String segment : path) {
            if (segment.startsWith("[") && node instanceof TomlArray array) {
                int index = Integer.parseInt(segment.substring(1, segment.length() - 1));
                if (index >= array.size()) {
                    break;
                }
                line = TomlSection.line(array.inputPositionOf(index));
                node = array.get(index);
            } else if (node instanceof TomlTable table && table.contains(List.of(segment))) {
                line = TomlSection.line(table.inputPositionOf(List.of(segment)));
                node = table.get(List.of(segment));
            } else {
                break;
            }
        }
        return line;
    }
}

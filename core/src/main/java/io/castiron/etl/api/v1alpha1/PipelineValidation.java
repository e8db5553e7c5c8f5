package io.castiron.etl.api.v1alpha1;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.castiron.etl.config.Durations;
import io.castiron.etl.matching.FileMatcher;
import io.castiron.etl.stage.StageLayout;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * What is wrong with a pipeline spec, in plain words, whichever way it arrived ({@code kubectl apply} or TOML).
 * Covers what the CRD schema cannot: glob syntax, stage folders, exactly one processor, duration syntax.
 * The TOML codec runs the same checks and adds the file's line and key.
 */
public final class PipelineValidation {
    /** Message for a required field that is absent. */
    public static final String MISSING = "missing; it is required";

    static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
    static final Set<String> TOLERATION_OPERATORS = Set.of("Exists", "Equal");
    static final Set<String> TOLERATION_EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    /**
     * One thing wrong with a spec.
     *
     * @param field path below {@code spec} in the CR's field names, e.g. {@code stages.inbox},
     *              {@code runner.tolerations[0].effect}
     * @param message what is wrong, without the field's name
     */
    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return "spec." + field + ": " + message;
        }
    }

    private PipelineValidation() {
    }

    /** Every problem as a sentence naming the field, e.g. {@code spec.handledFileGlob: missing; it is required}. */
    public static List<String> problems(EtlPipelineSpec spec) {
        return check(spec).stream().map(Problem::toString).toList();
    }

    /** Every problem with its field; empty when the spec is valid. */
    public static List<Problem> check(EtlPipelineSpec spec) {
        var problems = new ArrayList<Problem>();
        if (spec == null) {
            problems.add(new Problem("", "the spec is missing"));
            return problems;
        }
        checkGlob(spec, problems);
        if (spec.getBucket() == null || spec.getBucket().isBlank()) {
            problems.add(new Problem("bucket", "must not be empty"));
        }
        checkStages(spec, problems);
        checkProcessor(spec.getProcessor(), problems);
        Integer jobs = spec.getMaxConcurrentJobs();
        if (jobs != null && (jobs < 1 || jobs > EtlPipelineSpec.MAX_CONCURRENT_JOBS_LIMIT)) {
            problems.add(new Problem("maxConcurrentJobs",
                    "must be between 1 and " + EtlPipelineSpec.MAX_CONCURRENT_JOBS_LIMIT + ", found " + jobs));
        }
        Duration poll = duration("pollInterval", spec.getPollInterval(), problems);
        if (poll != null && poll.isZero()) {
            problems.add(new Problem("pollInterval", "must be longer than 0, e.g. 5s"));
        }
        duration("retention", spec.getRetention(), problems);
        if (spec.getRunner() != null) {
            checkRunner(spec.getRunner(), problems);
        }
        return problems;
    }

    private static void checkGlob(EtlPipelineSpec spec, List<Problem> problems) {
        String glob = spec.getHandledFileGlob();
        if (glob == null) {
            problems.add(new Problem("handledFileGlob", MISSING));
            return;
        }
        try {
            FileMatcher.compile(glob);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("handledFileGlob", withoutLeadingName(e.getMessage(), "handled_file_glob")));
        }
    }

    private static void checkStages(EtlPipelineSpec spec, List<Problem> problems) {
        Stages stages = spec.getStages();
        if (stages == null) {
            problems.add(new Problem("stages", MISSING));
            return;
        }
        int before = problems.size();
        requireStage("inbox", stages.getInbox(), problems);
        requireStage("processing", stages.getProcessing(), problems);
        requireStage("error", stages.getError(), problems);
        if (problems.size() > before || spec.getBucket() == null || spec.getBucket().isBlank()) {
            return;
        }
        try {
            StageLayout.of(spec);
        } catch (IllegalArgumentException e) {
            problems.add(stageProblem(e.getMessage()));
        }
    }

    private static void requireStage(String stage, String folder, List<Problem> problems) {
        if (folder == null) {
            problems.add(new Problem("stages." + stage, MISSING));
        }
    }

    /** StageLayout names the folder by its TOML key; turn that into the spec field it came from. */
    private static Problem stageProblem(String message) {
        for (var entry : List.of(
                Map.entry("inbox_dir", "stages.inbox"), Map.entry("processing_dir", "stages.processing"),
                Map.entry("archive_dir", "stages.archive"), Map.entry("error_dir", "stages.error"),
                Map.entry("canceled_dir", "stages.canceled"), Map.entry("prefix", "prefix"))) {
            if (message.startsWith(entry.getKey() + " ")) {
                return new Problem(entry.getValue(), withoutLeadingName(message, entry.getKey()));
            }
        }
        return new Problem("stages", message);
    }

    private static void checkProcessor(Processor processor, List<Problem> problems) {
        List<String> kinds = processor == null ? List.of() : processor.kindsSet();
        if (kinds.size() != 1) {
            problems.add(new Problem("processor", kinds.isEmpty()
                    ? "none of python, java, shell is set; set exactly one"
                    : String.join(" and ", kinds) + (kinds.size() == 2 ? " are both set" : " are all set")
                            + "; set exactly one"));
        }
        if (processor == null) {
            return;
        }
        if (processor.getPython() != null && isBlank(processor.getPython().getWorkerRunMethod())) {
            problems.add(new Problem("processor.python.workerRunMethod", MISSING));
        }
        if (processor.getJava() != null && isBlank(processor.getJava().getClassName())) {
            problems.add(new Problem("processor.java.className", MISSING));
        }
        if (processor.getShell() != null && isBlank(processor.getShell().getScript())) {
            problems.add(new Problem("processor.shell.script", "must not be empty"));
        }
    }

    private static Duration duration(String field, String text, List<Problem> problems) {
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(field, text);
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(field, withoutLeadingName(e.getMessage(), field)));
            return null;
        }
    }

    private static void checkRunner(RunnerSpec runner, List<Problem> problems) {
        if (runner.getImagePullPolicy() != null && !PULL_POLICIES.contains(runner.getImagePullPolicy())) {
            problems.add(new Problem("runner.imagePullPolicy",
                    "'" + runner.getImagePullPolicy() + "' is not one of Always, IfNotPresent, Never"));
        }
        if (runner.getActiveDeadlineSeconds() != null && runner.getActiveDeadlineSeconds() < 1) {
            problems.add(new Problem("runner.activeDeadlineSeconds",
                    "must be at least 1, found " + runner.getActiveDeadlineSeconds()));
        }
        if (runner.getStartTimeoutSeconds() != null && runner.getStartTimeoutSeconds() < 1) {
            problems.add(new Problem("runner.startTimeoutSeconds",
                    "must be at least 1, found " + runner.getStartTimeoutSeconds()));
        }
        if (runner.getFilesPerJob() != null
                && (runner.getFilesPerJob() < 1 || runner.getFilesPerJob() > RunnerSpec.MAX_FILES_PER_JOB)) {
            problems.add(new Problem("runner.filesPerJob", "must be between 1 and " + RunnerSpec.MAX_FILES_PER_JOB
                    + ", found " + runner.getFilesPerJob()));
        }
        if (runner.getBackoffLimit() != null && runner.getBackoffLimit() < 0) {
            problems.add(new Problem("runner.backoffLimit", "must be at least 0, found " + runner.getBackoffLimit()));
        }
        if (runner.getResources() != null) {
            quantities("runner.resources.requests", runner.getResources().getRequests(), problems);
            quantities("runner.resources.limits", runner.getResources().getLimits(), problems);
        }
        List<EnvVar> env = runner.getEnv() == null ? List.of() : runner.getEnv();
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i) == null || isBlank(env.get(i).getName())) {
                problems.add(new Problem("runner.env[" + i + "].name", MISSING));
            }
        }
        List<Toleration> tolerations = runner.getTolerations() == null ? List.of() : runner.getTolerations();
        for (int i = 0; i < tolerations.size(); i++) {
            Toleration t = tolerations.get(i);
            String at = "runner.tolerations[" + i + "]";
            if (t == null) {
                problems.add(new Problem(at, "must not be null"));
                continue;
            }
            if (t.getOperator() != null && !TOLERATION_OPERATORS.contains(t.getOperator())) {
                problems.add(new Problem(at + ".operator", "'" + t.getOperator() + "' is not one of Exists, Equal"));
            }
            if (t.getEffect() != null && !t.getEffect().isEmpty() && !TOLERATION_EFFECTS.contains(t.getEffect())) {
                problems.add(new Problem(at + ".effect",
                        "'" + t.getEffect() + "' is not one of NoSchedule, PreferNoSchedule, NoExecute"));
            }
        }
    }

    private static void quantities(String field, Map<String, Quantity> quantities, List<Problem> problems) {
        if (quantities == null) {
            return;
        }
        quantities.forEach((resource, quantity) -> {
            String problem = quantityProblem(quantity);
            if (problem != null) {
                problems.add(new Problem(field + "." + resource, problem));
            }
        });
    }

    /** Why a resource quantity is unusable, or null when it is fine. */
    public static String quantityProblem(Quantity quantity) {
        try {
            if (quantity == null || Quantity.getAmountInBytes(quantity).signum() < 0) {
                return "must be a quantity of at least 0, e.g. 500m, 2 or 1Gi";
            }
            return null;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return "'" + quantity + "' is not a quantity; write e.g. 500m, 2 or 1Gi";
        }
    }

    /** Messages of the shared helpers start with the setting's name; the caller names the field itself. */
    private static String withoutLeadingName(String message, String name) {
        return message.startsWith(name + " ") ? message.substring(name.length() + 1) : message;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}

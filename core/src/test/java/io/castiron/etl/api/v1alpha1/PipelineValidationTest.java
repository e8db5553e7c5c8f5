package io.castiron.etl.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;

/** Specs as they come from {@code kubectl apply}: problems are plain words naming the CR field. */
class PipelineValidationTest {
    private static EtlPipelineSpec valid() {
        var spec = new EtlPipelineSpec();
        spec.setHandledFileGlob(".csv|*_test.tsv");
        spec.setStages(new Stages("in", "work", "done", "failed", Stages.DEFAULT_CANCELED));
        spec.setProcessor(Processor.python(new PythonProcessor("pkg.mod.run")));
        return spec;
    }

    private static List<String> problemsAfter(Consumer<EtlPipelineSpec> change) {
        var spec = valid();
        change.accept(spec);
        return PipelineValidation.problems(spec);
    }

    @Test
    void aValidSpecHasNoProblems() {
        assertThat(PipelineValidation.problems(valid())).isEmpty();
        assertThat(problemsAfter(s -> s.setProcessor(Processor.shell("cat")))).isEmpty();
        assertThat(problemsAfter(s -> s.setProcessor(Processor.java(new JavaProcessor("a.B"))))).isEmpty();
        assertThat(problemsAfter(s -> {
            s.getStages().setArchive(null);
            s.getStages().setCanceled(null);
            s.setPrefix("team/a");
            s.setRunner(new RunnerSpec());
        })).isEmpty();
    }

    @Test
    void globProblemsNameHandledFileGlob() {
        assertThat(problemsAfter(s -> s.setHandledFileGlob(null)))
                .containsExactly("spec.handledFileGlob: missing; it is required");
        assertThat(problemsAfter(s -> s.setHandledFileGlob("a||b")))
                .containsExactly("spec.handledFileGlob: 'a||b' has an empty alternative (check the '|'s)");
        assertThat(problemsAfter(s -> s.setHandledFileGlob("[abc")))
                .singleElement().asString().startsWith("spec.handledFileGlob: ").contains("closing ']'");
    }

    @Test
    void stageProblemsNameTheStage() {
        assertThat(problemsAfter(s -> s.setStages(null))).containsExactly("spec.stages: missing; it is required");
        assertThat(problemsAfter(s -> {
            s.getStages().setInbox(null);
            s.getStages().setError(null);
        })).containsExactly("spec.stages.inbox: missing; it is required", "spec.stages.error: missing; it is required");
        assertThat(problemsAfter(s -> s.getStages().setProcessing("a/../b")))
                .containsExactly("spec.stages.processing: 'a/../b' must not contain '.' or '..' segments");
        assertThat(problemsAfter(s -> s.getStages().setArchive("./x")))
                .containsExactly("spec.stages.archive: './x' must not contain '.' or '..' segments");
        assertThat(problemsAfter(s -> s.getStages().setError("//")))
                .containsExactly("spec.stages.error: must not be empty");
        assertThat(problemsAfter(s -> s.getStages().setCanceled("failed/")))
                .containsExactly("spec.stages: stage folder 'failed/' is used for two stages");
        assertThat(problemsAfter(s -> s.setPrefix("..")))
                .containsExactly("spec.prefix: '..' must not contain '.' or '..' segments");
        assertThat(problemsAfter(s -> s.setBucket(" "))).containsExactly("spec.bucket: must not be empty");
    }

    @Test
    void exactlyOneProcessorMustBeSet() {
        assertThat(problemsAfter(s -> s.setProcessor(new Processor())))
                .containsExactly("spec.processor: none of python, java, shell is set; set exactly one");
        assertThat(problemsAfter(s -> s.setProcessor(null)))
                .containsExactly("spec.processor: none of python, java, shell is set; set exactly one");
        assertThat(problemsAfter(s -> s.getProcessor().setShell(new ShellProcessor("cat"))))
                .containsExactly("spec.processor: python and shell are both set; set exactly one");
    }

    @Test
    void processorsNeedWhatTheyRun() {
        assertThat(problemsAfter(s -> s.getProcessor().getPython().setWorkerRunMethod(" ")))
                .containsExactly("spec.processor.python.workerRunMethod: missing; it is required");
        assertThat(problemsAfter(s -> s.setProcessor(Processor.java(new JavaProcessor()))))
                .containsExactly("spec.processor.java.className: missing; it is required");
        assertThat(problemsAfter(s -> s.setProcessor(Processor.shell(""))))
                .containsExactly("spec.processor.shell.script: must not be empty");
    }

    @Test
    void limitsAndDurationsAreChecked() {
        assertThat(problemsAfter(s -> s.setMaxConcurrentJobs(0)))
                .containsExactly("spec.maxConcurrentJobs: must be between 1 and 10000, found 0");
        assertThat(problemsAfter(s -> s.setPollInterval("5 s"))).containsExactly(
                "spec.pollInterval: '5 s' is not a duration; write e.g. 500ms, 5s, 1m30s or 24h");
        assertThat(problemsAfter(s -> s.setPollInterval("0ms")))
                .containsExactly("spec.pollInterval: must be longer than 0, e.g. 5s");
        assertThat(problemsAfter(s -> s.setRetention("forever")))
                .singleElement().asString().startsWith("spec.retention: 'forever' is not a duration");
        assertThat(problemsAfter(s -> s.setRetention("0s"))).as("finished files may go at once").isEmpty();
    }

    @Test
    void runnerValuesKubernetesWouldRejectAreNamed() {
        var runner = new RunnerSpec();
        runner.setImagePullPolicy("always");
        runner.setActiveDeadlineSeconds(0L);
        runner.setBackoffLimit(-1);
        runner.setResources(new ResourceRequirements(null, Map.of("memory", new Quantity("-1Gi")),
                Map.of("cpu", new Quantity("lots", null))));
        runner.setEnv(List.of(new EnvVar(" ", "x", null)));
        runner.setTolerations(List.of(new Toleration("Sometimes", "k", "Like", null, null)));

        assertThat(problemsAfter(s -> s.setRunner(runner))).containsExactlyInAnyOrder(
                "spec.runner.imagePullPolicy: 'always' is not one of Always, IfNotPresent, Never",
                "spec.runner.activeDeadlineSeconds: must be at least 1, found 0",
                "spec.runner.backoffLimit: must be at least 0, found -1",
                "spec.runner.resources.limits.memory: must be a quantity of at least 0, e.g. 500m, 2 or 1Gi",
                "spec.runner.resources.requests.cpu: 'lots' is not a quantity; write e.g. 500m, 2 or 1Gi",
                "spec.runner.env[0].name: missing; it is required",
                "spec.runner.tolerations[0].operator: 'Like' is not one of Exists, Equal",
                "spec.runner.tolerations[0].effect: 'Sometimes' is not one of NoSchedule, PreferNoSchedule, NoExecute");
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        var spec = new EtlPipelineSpec();
        spec.setMaxConcurrentJobs(0);
        spec.setRetention("1d");

        assertThat(PipelineValidation.check(spec)).extracting(PipelineValidation.Problem::field).containsExactly(
                "handledFileGlob", "stages.inbox", "stages.processing", "stages.error", "processor",
                "maxConcurrentJobs", "retention");
    }
}

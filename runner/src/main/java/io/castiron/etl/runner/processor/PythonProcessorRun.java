package io.castiron.etl.runner.processor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.runner.progress.ProgressPipe;

/**
 * The original tool's Python processors, called in a {@code python3} child process by a small launcher script
 * (a resource of this module) that imports {@code worker_run_method}, awaits coroutines and prints a traceback
 * on failure.
 */
final class PythonProcessorRun implements LocalProcessor {
    static final String LAUNCHER = "castiron_launcher.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PythonProcessor spec;
    private final PythonSettings settings;
    private final ChildProcess child = new ChildProcess("python processor");

    PythonProcessorRun(PythonProcessor spec, PythonSettings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    @Override
    public ProcessorOutcome run(ProcessorCall call) {
        try (var pipe = ProgressPipe.open(call.workDir().resolve(ShellProcessorRun.PIPE_NAME), call.progress())) {
            Path launcher = writeLauncher(call.workDir());
            Path callFile = call.workDir().resolve("call.json");
            JSON.writeValue(callFile.toFile(), callSpec(call, pipe.path()));
            var env = ProcessorEnvironment.of(call, pipe.path().toString());
            env.put("PYTHONPATH", settings.pythonPath(call.environment()));
            return child.run(List.of(settings.executable(), "-u", launcher.toString(), callFile.toString()), env,
                    call.workDir());
        } catch (IOException | UncheckedIOException e) {
            return new ProcessorOutcome(ProcessorOutcome.Result.FAILED, null,
                    "cannot prepare the python call in " + call.workDir() + ": " + e.getMessage(), e.toString());
        }
    }

    private Map<String, Object> callSpec(ProcessorCall call, Path pipe) {
        var extras = new LinkedHashMap<String, Object>();
        if (Boolean.TRUE.equals(spec.getSupportsMetadata())) {
            extras.put("file_metadata", call.fileMetadata());
        }
        if (Boolean.TRUE.equals(spec.getSupportsPizzaTracker())) {
            extras.put("pizza_tracker", pipe.toString());
            extras.put("pizza_job_id", call.fileId());
        }
        var spec = new LinkedHashMap<String, Object>();
        spec.put("run", this.spec.getWorkerRunMethod());
        spec.put("class", blankToNull(this.spec.getWorkerClass()));
        spec.put("setup", blankToNull(this.spec.getWorkerSetupMethod()));
        spec.put("file", call.file().toAbsolutePath().toString());
        spec.put("kwargs", Kwargs.resolve(this.spec.getStaticKwargs(), this.spec.getEnvironmentKwargs(),
                call.environment()));
        spec.put("extras", extras);
        return spec;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Path writeLauncher(Path workDir) throws IOException {
        Path launcher = workDir.resolve(LAUNCHER);
        try (InputStream in = PythonProcessorRun.class.getResourceAsStream(LAUNCHER)) {
            if (in == null) {
                throw new IOException("the runner's resource " + LAUNCHER + " is missing");
            }
            Files.copy(in, launcher);
        }
        return launcher;
    }

    @Override
    public void stop() {
        child.stop();
    }

    @Override
    public String describe() {
        return "python " + (spec.getWorkerClass() == null || spec.getWorkerClass().isBlank() ? ""
                : spec.getWorkerClass() + ".") + spec.getWorkerRunMethod();
    }
}

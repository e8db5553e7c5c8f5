package io.castiron.etl.runner.processor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.runner.progress.ProgressPipe;

/**
 * The original tool's Python processors, called in a {@code python3} child process by a small launcher script (a
 * resource of this module) that imports {@code worker_run_method}, awaits coroutines and prints a traceback on
 * failure. One interpreter serves every file of a batch in turn, as the original's warm workers did: the processor's
 * module is imported once and a worker class set up once. Each call is a line on the interpreter's stdin (the path
 * of the call's JSON); its end is a marker line with the exit code on stderr, after all the call wrote there. An
 * interpreter that dies ends its call with its exit status, and the next file gets a new one.
 */
final class PythonProcessorRun implements LocalProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(PythonProcessorRun.class);
    static final String LAUNCHER = "castiron_launcher.py";
    /** Starts the launcher's line on stderr that ends a call (the ASCII record separator, then a word). */
    static final String RESULT_MARKER = "\u001ecastiron-call-ended ";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often a call's wait looks whether the interpreter is still alive. */
    private static final long ALIVE_CHECK_MILLIS = 200;

    private final PythonProcessor spec;
    private final PythonSettings settings;
    private Interpreter interpreter;
    private boolean stopRequested;

    PythonProcessorRun(PythonProcessor spec, PythonSettings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    @Override
    public ProcessorOutcome run(ProcessorCall call) {
        try (var pipe = ProgressPipe.open(call.workDir().resolve(ShellProcessorRun.PIPE_NAME), call.progress())) {
            Path callFile = call.workDir().resolve("call.json");
            JSON.writeValue(callFile.toFile(), callSpec(call, pipe.path()));
            Interpreter python;
            synchronized (this) {
                if (stopRequested) {
                    return ProcessorOutcome.stopped(null);
                }
                if (interpreter == null || !interpreter.process.isAlive()) {
                    interpreter = Interpreter.start(settings, call, pipe.path());
                }
                python = interpreter;
            }
            ProcessorOutcome outcome = python.call(callFile, describe());
            synchronized (this) {
                if (stopRequested) {
                    return ProcessorOutcome.stopped(outcome.exitCode());
                }
            }
            return outcome;
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
        spec.put("env", ProcessorEnvironment.ofFile(call, pipe.toString()));
        spec.put("cwd", call.workDir().toAbsolutePath().toString());
        return spec;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public void stop() {
        Interpreter running;
        synchronized (this) {
            stopRequested = true;
            running = interpreter;
        }
        if (running != null) {
            ChildProcess.stopTree(running.process, "python processor");
        }
    }

    /** Ends the interpreter: the end of its stdin ends its loop. */
    @Override
    public void close() {
        Interpreter running;
        synchronized (this) {
            running = interpreter;
            interpreter = null;
        }
        if (running != null) {
            running.close();
        }
    }

    @Override
    public String describe() {
        return "python " + (spec.getWorkerClass() == null || spec.getWorkerClass().isBlank() ? ""
                : spec.getWorkerClass() + ".") + spec.getWorkerRunMethod();
    }

    /** One {@code python3} process running the launcher's loop. */
    private static final class Interpreter {
        final Process process;
        private final Writer stdin;
        private final Thread stderrPump;
        /** The call in progress: its stderr tail, and its end (the exit code from the marker line). */
        private volatile OutputTail tail = new OutputTail(ChildProcess.STDERR_TAIL_CHARS);
        private volatile CompletableFuture<Integer> ended = new CompletableFuture<>();

        private Interpreter(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            ChildProcess.pump(process.getInputStream(), "python-stdout", System.out::println);
            this.stderrPump = ChildProcess.pump(process.getErrorStream(), "python-stderr", this::stderrLine);
        }

        /**
         * The interpreter for a pipeline's calls, started in the first call's folder with the runner's environment,
         * the first call's variables (each call sets its own) and the processors' module path.
         */
        static Interpreter start(PythonSettings settings, ProcessorCall first, Path pipe) throws IOException {
            Path launcher = first.workDir().resolve(LAUNCHER);
            try (InputStream in = PythonProcessorRun.class.getResourceAsStream(LAUNCHER)) {
                if (in == null) {
                    throw new IOException("the runner's resource " + LAUNCHER + " is missing");
                }
                Files.copy(in, launcher);
            }
            var builder = new ProcessBuilder(List.of(settings.executable(), "-u", launcher.toString()))
                    .directory(first.workDir().toFile());
            builder.environment().putAll(ProcessorEnvironment.of(first, pipe.toString()));
            builder.environment().put("PYTHONPATH", settings.pythonPath(first.environment()));
            try {
                return new Interpreter(builder.start());
            } catch (IOException e) {
                throw new IOException("cannot start python (" + settings.executable() + "): " + e.getMessage(), e);
            }
        }

        private void stderrLine(String line) {
            if (line.startsWith(RESULT_MARKER)) {
                try {
                    ended.complete(Integer.parseInt(line.substring(RESULT_MARKER.length()).trim()));
                } catch (NumberFormatException e) {
                    ended.complete(1);
                }
                return;
            }
            System.err.println(line);
            tail.add(line);
        }

        /** Runs one call and waits for its end, or for the interpreter's. */
        ProcessorOutcome call(Path callFile, String what) throws IOException {
            tail = new OutputTail(ChildProcess.STDERR_TAIL_CHARS);
            CompletableFuture<Integer> end = new CompletableFuture<>();
            ended = end;
            try {
                stdin.write(callFile.toAbsolutePath() + "\n");
                stdin.flush();
            } catch (IOException e) {
                LOG.debug("python's stdin: {}", e.toString());
            }
            while (true) {
                try {
                    int code = end.get(ALIVE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                    return ProcessorOutcome.ofExit(code, tail.toString(), what);
                } catch (TimeoutException e) {
                    if (!process.isAlive()) {
                        return died(end, what);
                    }
                } catch (InterruptedException e) {
                    // the runner stops a call through stop(), never by interrupting its waiting thread
                    LOG.debug("interrupted while waiting for the python call; still waiting");
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        /** The interpreter ended during the call: the call ends with its exit status, once stderr is read. */
        private ProcessorOutcome died(CompletableFuture<Integer> end, String what) {
            try {
                stderrPump.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int code = end.isDone() ? end.join() : process.exitValue();
            return ProcessorOutcome.ofExit(code, tail.toString(), what);
        }

        void close() {
            try {
                stdin.close();
                if (!process.waitFor(ChildProcess.STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    ChildProcess.stopTree(process, "python processor");
                }
            } catch (IOException e) {
                LOG.debug("closing python's stdin: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

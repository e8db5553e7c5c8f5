package io.castiron.etl.runner.processor;

import java.io.IOException;
import java.util.List;

import io.castiron.etl.runner.progress.ProgressPipe;

/**
 * {@code sh -c <script>}: the file's path reaches the script only through {@code ETL_FILENAME}, never through
 * its text, so no file name can inject commands.
 */
final class ShellProcessorRun implements LocalProcessor {
    static final String PIPE_NAME = "progress.pipe";

    private final String script;
    private final ChildProcess child = new ChildProcess("shell processor");

    ShellProcessorRun(String script) {
        this.script = script;
    }

    @Override
    public ProcessorOutcome run(ProcessorCall call) {
        try (var pipe = ProgressPipe.open(call.workDir().resolve(PIPE_NAME), call.progress())) {
            return child.run(List.of("sh", "-c", script),
                    ProcessorEnvironment.of(call, pipe.path().toString()), call.workDir());
        } catch (IOException e) {
            return new ProcessorOutcome(ProcessorOutcome.Result.FAILED, null,
                    "cannot make the progress pipe: " + e.getMessage(), e.toString());
        }
    }

    @Override
    public void stop() {
        child.stop();
    }

    @Override
    public String describe() {
        return "shell";
    }
}

package io.castiron.etl.runner;

import java.time.Instant;

import io.castiron.etl.contract.JobContract;
import io.castiron.etl.runner.processor.ProcessorOutcome;

/** The text of a failed file's {@code <name>_error_log_.txt}: what failed, the exit code, stderr or stack trace. */
final class ErrorLog {
    private ErrorLog() {
    }

    static String text(JobContract contract, String processor, ProcessorOutcome outcome) {
        var text = new StringBuilder();
        text.append("Cast-Iron ETL: processing failed\n");
        text.append("pipeline:  ").append(contract.namespace()).append('/').append(contract.pipeline()).append('\n');
        text.append("file:      ").append(contract.originalName()).append(" (id ").append(contract.fileId())
                .append(")\n");
        text.append("processor: ").append(processor).append('\n');
        text.append("exit code: ").append(outcome.exitCode() == null ? "none (in-process)" : outcome.exitCode())
                .append('\n');
        text.append("error:     ").append(outcome.error()).append('\n');
        text.append("time:      ").append(Instant.now()).append('\n');
        if (!outcome.details().isBlank()) {
            text.append('\n').append(outcome.exitCode() == null ? "--- stack trace ---" : "--- stderr ---")
                    .append('\n').append(outcome.details());
            if (!outcome.details().endsWith("\n")) {
                text.append('\n');
            }
        }
        return text.toString();
    }
}

package io.castiron.etl.operator.file;

import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.EventRecorder;
import io.castiron.etl.operator.Metrics;
import io.castiron.etl.operator.Times;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Every EtlFile status write of the operator: a JSON patch of just the fields that change (so progress the runner
 * writes meanwhile is kept), one INFO line per phase transition, metrics and an Event for final phases.
 */
@ApplicationScoped
public class FileStatusWriter {
    private static final Logger LOG = Logger.getLogger(FileStatusWriter.class);

    @Inject
    Metrics metrics;

    @Inject
    EventRecorder events;

    public EtlFile transition(Context<EtlFile> context, EtlFile file, FilePhase phase, String reason, String message,
            Consumer<EtlFileStatus> change) {
        FilePhase from = phaseOf(file);
        EtlFile patched = context.resourceOperations().jsonPatchPrimaryStatus(file, f -> {
            if (f.getStatus() == null) {
                f.setStatus(new EtlFileStatus());
            }
            EtlFileStatus s = f.getStatus();
            s.setPhase(phase);
            s.setReason(reason);
            s.setMessage(message);
            s.setObservedGeneration(f.getMetadata().getGeneration());
            if (phase.isFinal() && s.getCompletionTime() == null) {
                s.setCompletionTime(Times.now());
            }
            if (change != null) {
                change.accept(s);
            }
            return f;
        });
        if (from != phase) {
            String ns = file.getMetadata().getNamespace();
            String pipeline = file.getSpec().getPipeline();
            EtlFileStatus s = patched.getStatus();
            LOG.infof("pipeline %s/%s: file %s (%s) %s -> %s%s", ns, pipeline, s.getFileId(), s.getCurrentKey(),
                    from, phase, message == null ? "" : ": " + message);
            if (phase.isFinal()) {
                metrics.finished(ns, pipeline, phase);
                if (phase == FilePhase.Failed) {
                    events.warning(patched, reason, message == null ? "Processing failed" : message);
                } else {
                    events.normal(patched, reason, message == null ? phase.name() : message);
                }
            }
        }
        return patched;
    }

    /** Writes a message without changing the phase (e.g. waiting for a missing pipeline). */
    public void note(Context<EtlFile> context, EtlFile file, String reason, String message) {
        if (file.getStatus() != null && message.equals(file.getStatus().getMessage())) {
            return;
        }
        context.resourceOperations().jsonPatchPrimaryStatus(file, f -> {
            if (f.getStatus() == null) {
                f.setStatus(new EtlFileStatus());
                f.getStatus().setPhase(FilePhase.Pending);
            }
            f.getStatus().setReason(reason);
            f.getStatus().setMessage(message);
            return f;
        });
    }

    public static FilePhase phaseOf(EtlFile file) {
        return file.getStatus() == null || file.getStatus().getPhase() == null ? FilePhase.Pending
                : file.getStatus().getPhase();
    }
}

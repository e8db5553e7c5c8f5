package io.castiron.etl.operator.file;

import java.util.Map;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.operator.EventRecorder;
import io.castiron.etl.operator.Metrics;
import io.castiron.etl.operator.Times;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * Every EtlFile status write of the operator: a JSON merge patch of just the fields that change (so progress the
 * runner writes meanwhile is kept), one INFO line per phase transition, metrics and an Event for final phases.
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
        EtlFile patched = patchStatus(context, file, s -> {
            s.setPhase(phase);
            s.setReason(reason);
            s.setMessage(message);
            s.setObservedGeneration(file.getMetadata().getGeneration());
            if (phase.isFinal() && s.getCompletionTime() == null) {
                s.setCompletionTime(Times.now());
            }
            if (change != null) {
                change.accept(s);
            }
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
        patchStatus(context, file, s -> {
            if (s.getPhase() == null) {
                s.setPhase(FilePhase.Pending);
            }
            s.setReason(reason);
            s.setMessage(message);
        });
    }

    /**
     * Applies {@code change} to a copy of the file's status and sends what it changed as a JSON merge patch of the
     * status subresource (a field set to null is removed). Fields it leaves alone are not sent, so progress the
     * runner writes meanwhile is kept. Nothing changed: no request. Through the operator SDK, so the file's own
     * status write does not wake it again and its next reconcile sees the result.
     */
    private EtlFile patchStatus(Context<EtlFile> context, EtlFile file, Consumer<EtlFileStatus> change) {
        KubernetesSerialization json = context.getClient().getKubernetesSerialization();
        ObjectNode before = file.getStatus() == null ? json.convertValue(new EtlFileStatus(), ObjectNode.class)
                : json.convertValue(file.getStatus(), ObjectNode.class);
        EtlFileStatus status = json.convertValue(before, EtlFileStatus.class);
        change.accept(status);
        ObjectNode after = json.convertValue(status, ObjectNode.class);
        ObjectNode changed = JsonNodeFactory.instance.objectNode();
        after.fields().forEachRemaining(field -> {
            if (!field.getValue().equals(before.get(field.getKey()))) {
                changed.set(field.getKey(), field.getValue());
            }
        });
        before.fieldNames().forEachRemaining(name -> {
            if (!after.has(name)) {
                changed.putNull(name);
            }
        });
        if (changed.isEmpty()) {
            return file;
        }
        String patch = json.asJson(Map.of("status", changed));
        return context.resourceOperations().resourcePatch(file,
                f -> context.getClient().resource(f).subresource("status")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch),
                context.eventSourceRetriever().getControllerEventSource());
    }

    public static FilePhase phaseOf(EtlFile file) {
        return file.getStatus() == null || file.getStatus().getPhase() == null ? FilePhase.Pending
                : file.getStatus().getPhase();
    }
}

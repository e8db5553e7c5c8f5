package io.castiron.etl.operator.file;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The latest reason a pipeline's runners do not start (an image not pulled, a missing Secret), from the file
 * controller, which sees its Jobs, to the pipeline controller, which shows it in the pipeline's conditions. Cleared
 * when a runner of the pipeline starts. In memory: a new leader finds the problem again from the Jobs still waiting.
 */
@ApplicationScoped
public class StartProblems {
    private final Map<String, String> byPipeline = new ConcurrentHashMap<>();

    /** @param pipelineKey {@code namespace/name} */
    void report(String pipelineKey, String problem) {
        byPipeline.put(pipelineKey, problem);
    }

    void started(String pipelineKey) {
        if (!byPipeline.isEmpty()) {
            byPipeline.remove(pipelineKey);
        }
    }

    public Optional<String> of(String pipelineKey) {
        return Optional.ofNullable(byPipeline.get(pipelineKey));
    }
}

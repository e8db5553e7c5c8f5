package io.castiron.etl.operator;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Sets a status condition, keeping its lastTransitionTime when its status does not change. */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";

    private Conditions() {
    }

    public static void set(List<Condition> conditions, String type, boolean status, String reason, String message,
            Long generation) {
        String value = status ? TRUE : FALSE;
        Optional<Condition> existing = find(conditions, type);
        String since = existing.filter(c -> value.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElse(Times.now());
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new ConditionBuilder()
                .withType(type)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build());
        conditions.sort((a, b) -> a.getType().compareTo(b.getType()));
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrueFor(List<Condition> conditions, String type, Long generation) {
        return find(conditions, type)
                .filter(c -> TRUE.equals(c.getStatus()))
                .filter(c -> generation == null || generation.equals(c.getObservedGeneration()))
                .isPresent();
    }
}

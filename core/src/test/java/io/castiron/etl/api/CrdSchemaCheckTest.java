package io.castiron.etl.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The checker itself, on rules the pipeline CRD does not use (yet) or uses only deep inside. */
class CrdSchemaCheckTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String SCHEMA = """
            type: object
            properties:
              spec:
                type: object
                required: [phase]
                properties:
                  phase: {type: string, enum: [Pending, Running]}
                  progress: {type: number, minimum: 0, maximum: 1}
                  name: {type: string, minLength: 1, maxLength: 5}
                  tags: {type: array, maxItems: 2, items: {type: string}}
                  labels: {type: object, additionalProperties: {type: string}}
                  size: {anyOf: [{type: integer}, {type: string}], x-kubernetes-int-or-string: true}
                  note: {type: string, nullable: true}
                  extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    private static java.util.List<String> problems(String document) throws Exception {
        return CrdSchemaCheck.ofSchema(YAML.readTree(SCHEMA)).problems(YAML.readTree(document));
    }

    @Test
    void aDocumentThatFollowsEveryRuleHasNoProblems() throws Exception {
        assertThat(problems("""
                apiVersion: x/v1
                kind: X
                metadata: {name: a}
                spec:
                  phase: Running
                  progress: 0.5
                  name: abc
                  tags: [a, b]
                  labels: {a: b}
                  size: 10
                  note: null
                  extra: {anything: [1, {deep: true}]}
                """)).isEmpty();
        assertThat(problems("metadata: {name: a}\nspec: {phase: Pending, size: 1Gi}")).isEmpty();
    }

    @Test
    void everyBrokenRuleIsReportedWithItsPath() throws Exception {
        assertThat(problems("""
                metadata: {name: a}
                spec:
                  progress: 1.5
                  name: toolong
                  tags: [a, 2, c]
                  labels: {a: 1}
                  size: 1.5
                  extra: []
                  surprise: 1
                status: {}
                """)).containsExactlyInAnyOrder(
                "$.spec.phase: required",
                "$.spec.progress: 1.5 is above the maximum 1",
                "$.spec.name: longer than maxLength 5",
                "$.spec.tags: longer than maxItems 2",
                "$.spec.tags[1]: expected string, found number",
                "$.spec.labels.a: expected string, found number",
                "$.spec.size: expected an integer or a string, found number",
                "$.spec.extra: expected object, found array",
                "$.spec.surprise: unknown field (the API server would drop it)",
                "$.status: unknown field (the API server would drop it)");
        assertThat(problems("metadata: {name: a}\nspec: {phase: Done, progress: -1, name: ''}")).containsExactlyInAnyOrder(
                "$.spec.phase: \"Done\" is not one of [\"Pending\",\"Running\"]",
                "$.spec.progress: -1 is below the minimum 0",
                "$.spec.name: shorter than minLength 1");
    }
}

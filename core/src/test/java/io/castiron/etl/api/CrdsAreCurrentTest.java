package io.castiron.etl.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

class CrdsAreCurrentTest {
    private static final Path CHECKED_IN = Path.of("..", "crds");

    @Test
    void checkedInCrdsEqualWhatTheClassesGenerate(@TempDir Path tmp) throws Exception {
        var generated = CrdFiles.generate(tmp);
        assertThat(generated).containsOnlyKeys("etlpipelines.etl.castiron.io-v1.yml", "etlfiles.etl.castiron.io-v1.yml");
        assertThat(CrdFiles.read(CHECKED_IN))
                .as("crds/ is stale: run `make crds` and commit the result")
                .isEqualTo(generated);
    }

    @Test
    void crdsCarryShortNamesPrinterColumnsAndStatusSubresource(@TempDir Path tmp) throws Exception {
        var generated = CrdFiles.generate(tmp);
        var pipeline = parse(generated.get("etlpipelines.etl.castiron.io-v1.yml"));
        assertThat(pipeline.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(pipeline.getSpec().getNames().getShortNames()).containsExactly("etlp");
        var pipelineVersion = pipeline.getSpec().getVersions().get(0);
        assertThat(pipelineVersion.getSubresources().getStatus()).isNotNull();
        assertThat(pipelineVersion.getAdditionalPrinterColumns()).extracting(c -> c.getName())
                .containsExactly("Enabled", "Glob", "Ready", "Running", "Succeeded", "Failed", "Age");

        var file = parse(generated.get("etlfiles.etl.castiron.io-v1.yml"));
        assertThat(file.getSpec().getNames().getShortNames()).containsExactly("etlf");
        var fileVersion = file.getSpec().getVersions().get(0);
        assertThat(fileVersion.getSubresources().getStatus()).isNotNull();
        assertThat(fileVersion.getAdditionalPrinterColumns()).extracting(c -> c.getName())
                .containsExactly("Pipeline", "File", "Phase", "Progress", "Attempts", "Age");
        assertThat(fileVersion.getSchema().getOpenAPIV3Schema().getProperties().get("status").getProperties()
                .get("phase").getEnum()).extracting(Object::toString)
                .contains("\"Pending\"", "\"Queued\"", "\"Running\"", "\"Succeeded\"", "\"Failed\"", "\"Canceled\"");
    }

    private static CustomResourceDefinition parse(String yaml) {
        return Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    }
}

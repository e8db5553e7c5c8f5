package io.castiron.etl.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        // the generator quotes every string; the checks are about content, not quoting style
        String pipeline = generated.get("etlpipelines.etl.castiron.io-v1.yml").replace("\"", "");
        assertThat(pipeline).contains("- etlp", "scope: Namespaced", "status: {}", "jsonPath: .spec.handledFileGlob",
                "name: Ready", "name: Running", "name: Succeeded", "name: Failed", "name: Age");
        String file = generated.get("etlfiles.etl.castiron.io-v1.yml").replace("\"", "");
        assertThat(file).contains("- etlf", "scope: Namespaced", "status: {}", "name: Pipeline", "name: File",
                "name: Phase", "name: Progress", "name: Attempts", "- Succeeded");
    }
}

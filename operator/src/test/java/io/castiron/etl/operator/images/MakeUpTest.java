package io.castiron.etl.operator.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** make up on kind, read without running it (no Docker here): it never acts on whatever context is current. */
class MakeUpTest {
    private static final Path MAKEFILE = Path.of("..").toAbsolutePath().normalize().resolve("Makefile");
    /** kubectl or helm as a command, not as a word inside a name or a variable. */
    private static final Pattern BARE_CALL = Pattern.compile("(?<![\\w$(/-])(kubectl|helm)\\s");

    @Test
    void everyKubectlAndHelmCallOfTheRecipesNamesTheKindContext() throws IOException {
        List<String> recipeLines = Files.readAllLines(MAKEFILE).stream()
                .filter(l -> l.startsWith("\t"))
                .filter(l -> !l.contains("$(REQUIRE)") && !l.startsWith("\t@#") && !l.startsWith("\t#"))
                .filter(l -> !l.contains("helm install castiron-etl helm/castiron-etl -n castiron-etl -f $(PUSHED_VALUES)"))
                .toList();
        assertThat(recipeLines).as("recipe lines that call kubectl or helm without $(KUBECTL) / $(HELM)")
                .noneMatch(l -> BARE_CALL.matcher(l).find());
        assertThat(Files.readString(MAKEFILE))
                .contains("KUBECTL := kubectl --context $(KUBE_CONTEXT)")
                .contains("HELM := helm --kube-context $(KUBE_CONTEXT)")
                .contains("KUBE_CONTEXT := kind-$(CLUSTER)");
    }

    @Test
    void aRerunAppliesTheCrdsBeforeTheChartAndTagsImagesByContent() throws IOException {
        String makefile = Files.readString(MAKEFILE);
        assertThat(makefile.indexOf("$(KUBECTL) apply -f crds/")).as("CRDs applied")
                .isPositive().isLessThan(makefile.indexOf("$(HELM) upgrade --install castiron-etl"));
        assertThat(makefile).contains("kind-up IMAGE_TAG=$(if $(filter command line,$(origin IMAGE_TAG)),$(IMAGE_TAG),$$(sh scripts/image-tag.sh))");
    }
}

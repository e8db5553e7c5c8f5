package io.castiron.etl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class ResourceNamesTest {
    @Test
    void aKeyThatIsAlreadyAGoodNameKeepsItMinusTheTomlSuffix() {
        assertThat(ResourceNames.pipelineNameFor("invoices.toml")).isEqualTo("invoices");
        assertThat(ResourceNames.pipelineNameFor("daily-csv-2.toml")).isEqualTo("daily-csv-2");
    }

    @Test
    void oddKeysBecomeValidNamesThatStillReadLikeTheKey() {
        assertThat(ResourceNames.pipelineNameFor("tests/My Config.toml")).matches("tests-my-config-[0-9a-f]{8}");
        assertThat(ResourceNames.pipelineNameFor("Équipe/Überweisungen.toml")).matches("equipe-uberweisungen-[0-9a-f]{8}");
        assertThat(ResourceNames.pipelineNameFor("a..b__c.toml")).matches("a-b-c-[0-9a-f]{8}");
        assertThat(ResourceNames.pipelineNameFor("/leading/and/trailing/.toml")).matches("leading-and-trailing-[0-9a-f]{8}");
        assertThat(ResourceNames.pipelineNameFor("数据.toml")).matches("pipeline-[0-9a-f]{8}");
        assertThat(ResourceNames.pipelineNameFor(".toml")).matches("pipeline-[0-9a-f]{8}");
    }

    @Test
    void veryLongKeysAreCutTo63CharactersWithTheHashKept() {
        String longKey = "team/" + "very-long-folder-name/".repeat(10) + "config.toml";

        String name = ResourceNames.pipelineNameFor(longKey);

        assertThat(name).hasSizeBetween(ResourceNames.MAX_LENGTH - 2, ResourceNames.MAX_LENGTH).startsWith("team-very-long-folder-name-").matches(".*-[0-9a-f]{8}");
        assertThat(ResourceNames.isValidName(name)).isTrue();
        assertThat(ResourceNames.pipelineNameFor("x".repeat(70) + ".toml")).hasSize(ResourceNames.MAX_LENGTH);
    }

    @Test
    void differentKeysGiveDifferentNamesAndTheSameKeyTheSameName() {
        var keys = List.of("a.toml", "A.toml", "a", "a.TOML", "a b.toml", "a-b.toml", "a_b.toml", "x/a.toml", "x-a.toml",
                "x/a b.toml", "x/a-b.toml", "x".repeat(80) + "1.toml", "x".repeat(80) + "2.toml", "é.toml", "e.toml",
                "-a.toml", "a-.toml");
        var names = new HashSet<String>();
        for (String key : keys) {
            String name = ResourceNames.pipelineNameFor(key);
            assertThat(ResourceNames.isValidName(name)).as(key + " -> " + name).isTrue();
            assertThat(names.add(name)).as("name of " + key + " is taken: " + name).isTrue();
            assertThat(ResourceNames.pipelineNameFor(key)).isEqualTo(name);
        }
    }

    @Test
    void namesFollowDns1123LabelRules() {
        assertThat(ResourceNames.isValidName("ok-name-1")).isTrue();
        assertThat(ResourceNames.isValidName("1abc")).isTrue();
        assertThat(List.of("", "-a", "a-", "A", "a_b", "a.b", "x".repeat(64))).noneMatch(ResourceNames::isValidName);
        assertThat(ResourceNames.isValidName(null)).isFalse();
        assertThatThrownBy(() -> ResourceNames.pipelineNameFor("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void labelValuesOfLongNamesAreHashedToFitAndStayDistinct() {
        assertThat(ResourceNames.labelValue("csv")).isEqualTo("csv");
        assertThat(ResourceNames.labelValue("x".repeat(63))).isEqualTo("x".repeat(63));
        String a = ResourceNames.labelValue("team.reports." + "a".repeat(60) + "-one");
        String b = ResourceNames.labelValue("team.reports." + "a".repeat(60) + "-two");
        assertThat(a).hasSizeLessThanOrEqualTo(ResourceNames.MAX_LENGTH).startsWith("team.reports.aaa")
                .matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?").isNotEqualTo(b);
        // a head that would end in a separator loses it (label values end in a letter or digit)
        assertThat(ResourceNames.labelValue("a".repeat(53) + "." + "b".repeat(20))).matches("a{53}-[0-9a-f]{8}");
    }
}

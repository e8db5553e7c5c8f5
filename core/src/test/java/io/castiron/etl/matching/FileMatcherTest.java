package io.castiron.etl.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FileMatcherTest {
    @Test
    void literalAlternativesAreSuffixes() {
        var m = FileMatcher.compile("_test.tsv| _updated.csv|.mp3");
        assertThat(m.matchesName("data_test.tsv")).isTrue();
        assertThat(m.matchesName("data_updated.csv")).isTrue();
        assertThat(m.matchesName("data_test.mp3")).isTrue();
        assertThat(m.matchesName("data_test.csv")).isFalse();
    }

    @Test
    void dotIsLiteralSoCsvDoesNotMatchXcsv() {
        var m = FileMatcher.compile(".csv|.CSV");
        assertThat(m.matchesName("a.csv")).isTrue();
        assertThat(m.matchesName("A.CSV")).isTrue();
        assertThat(m.matchesName("xcsv")).isFalse();
        assertThat(m.matchesName("a.Csv")).isFalse();
    }

    @Test
    void globAlternativesMatchTheWholeName() {
        var m = FileMatcher.compile("*_test.tsv | report-??.txt | [ab]*.json | [!x]*.xml");
        assertThat(m.matchesName("run1_test.tsv")).isTrue();
        assertThat(m.matchesName("run1_test.tsv.bak")).isFalse();
        assertThat(m.matchesName("report-07.txt")).isTrue();
        assertThat(m.matchesName("report-7.txt")).isFalse();
        assertThat(m.matchesName("alpha.json")).isTrue();
        assertThat(m.matchesName("gamma.json")).isFalse();
        assertThat(m.matchesName("y.xml")).isTrue();
        assertThat(m.matchesName("x.xml")).isFalse();
    }

    @Test
    void globCharactersOtherThanWildcardsAreLiteral() {
        var m = FileMatcher.compile("data+(1)*.csv");
        assertThat(m.matchesName("data+(1) final.csv")).isTrue();
        assertThat(m.matchesName("dataa(1).csv")).isFalse();
    }

    @Test
    void markersConfigsAndErrorLogsNeverMatch() {
        var m = FileMatcher.compile("*|.txt|.toml|.keep");
        assertThat(m.matchesName(".keep")).isFalse();
        assertThat(m.matchesName("pipeline.toml")).isFalse();
        assertThat(m.matchesName("x-a_csv_error_log_.txt")).isFalse();
        assertThat(m.matchesName("notes.txt")).isTrue();
    }

    @Test
    void pathsAreNotNames() {
        assertThat(FileMatcher.compile("*.csv").matchesName("sub/a.csv")).isFalse();
    }

    @Test
    void emptyOrMalformedGlobsAreErrorsNamingTheAlternative() {
        assertThatThrownBy(() -> FileMatcher.compile(" ")).hasMessageContaining("handled_file_glob");
        assertThatThrownBy(() -> FileMatcher.compile(".csv||.tsv")).hasMessageContaining("empty alternative");
        assertThatThrownBy(() -> FileMatcher.compile(".csv|[abc.tsv"))
                .hasMessageContaining("'[abc.tsv'").hasMessageContaining("closing ']'");
    }
}

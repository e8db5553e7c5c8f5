package io.castiron.etl.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.castiron.etl.matching.FileMatcher.Form;

class FileMatcherTest {
    @Test
    void literalAlternativesAreSuffixes() {
        var m = FileMatcher.compile("_test.tsv| _updated.csv|.mp3");
        assertThat(m.forms()).containsOnly(Form.SUFFIX);
        assertThat(m.matchesName("data_test.tsv")).isTrue();
        assertThat(m.matchesName("data_updated.csv")).isTrue();
        assertThat(m.matchesName("data_test.mp3")).isTrue();
        assertThat(m.matchesName("data_test.csv")).isFalse();
        assertThat(m.notes()).isEmpty();
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
        assertThat(m.forms()).containsOnly(Form.GLOB);
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
    void theOriginalsRegularExpressionsMatchTheEndOfTheName() {
        assertThat(FileMatcher.compile("\\.csv | .*\\.json | report_[0-9]+\\.csv | data_\\d{8}.csv").forms())
                .containsOnly(Form.REGEX);
        var csv = FileMatcher.compile("\\.csv");
        assertThat(csv.matchesName("march.csv")).isTrue();
        assertThat(csv.matchesName("marchcsv")).isFalse();
        assertThat(FileMatcher.compile(".*\\.json").matchesName("events.json")).isTrue();
        var report = FileMatcher.compile("report_[0-9]+\\.csv");
        assertThat(report.matchesName("report_2024.csv")).isTrue();
        assertThat(report.matchesName("monthly_report_12.csv")).as("a suffix, as the original's .*(alt)$").isTrue();
        assertThat(report.matchesName("report_.csv")).isFalse();
        assertThat(report.matchesName("report_12.csv.gz")).isFalse();
        var data = FileMatcher.compile("data_\\d{8}.csv");
        assertThat(data.matchesName("data_20240131.csv")).isTrue();
        assertThat(data.matchesName("data_2024013.csv")).isFalse();
        assertThat(FileMatcher.compile("\\.csv | .*\\.json | report_[0-9]+\\.csv | data_\\d{8}.csv").notes())
                .as("none of these reads as a glob or a plain name").isEmpty();
    }

    @Test
    void aGlobThatIsAlsoAValidRegularExpressionIsReadAsAGlobWithANote() {
        var m = FileMatcher.compile("readings_*.tsv | *.csv");

        assertThat(m.forms()).containsExactly(Form.GLOB, Form.GLOB);
        assertThat(m.matchesName("readings_north.tsv")).isTrue();
        assertThat(m.matchesName("readings.tsv")).as("the original's regex reading matched this").isFalse();
        assertThat(m.notes()).singleElement().asString()
                .startsWith("handled_file_glob alternative 'readings_*.tsv' is read as a glob on the whole file name");
    }

    @Test
    void regexOnlyCharactersMakeARegularExpressionWithANoteWhenTheyCouldBeLiteral() {
        var m = FileMatcher.compile("data+(1)*.csv");

        assertThat(m.forms()).containsExactly(Form.REGEX);
        assertThat(m.matchesName("my_dataa.csv")).isTrue();
        assertThat(m.matchesName("data+(1).csv")).isFalse();
        assertThat(m.notes()).singleElement().asString().contains("is read as a regular expression")
                .contains("\\(");
    }

    @Test
    void aGlobThatIsNotARegularExpressionStaysAGlobWithoutANote() {
        var m = FileMatcher.compile("*(1).csv");

        assertThat(m.forms()).containsExactly(Form.GLOB);
        assertThat(m.matchesName("report (1).csv")).isTrue();
        assertThat(m.notes()).isEmpty();
    }

    @Test
    void aLeadingCaretAnchorsAtTheStartOfTheNameWithANote() {
        var m = FileMatcher.compile("^sales_.*\\.csv");

        assertThat(m.matchesName("sales_q1.csv")).isTrue();
        assertThat(m.matchesName("old_sales_q1.csv")).isFalse();
        assertThat(m.notes()).singleElement().asString().contains("start of the file name");
    }

    @Test
    void pythonNamedGroupsAreRead() {
        var m = FileMatcher.compile("(?P<year>\\d{4})-(?P=year)\\.csv");
        assertThat(m.matchesName("copy_2024-2024.csv")).isTrue();
        assertThat(m.matchesName("2024-2025.csv")).isFalse();
    }

    @Test
    void markersConfigsAndErrorLogsNeverMatch() {
        var m = FileMatcher.compile("*|.txt|.keep");
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
        assertThatThrownBy(() -> FileMatcher.compile("report(final.csv"))
                .hasMessageContaining("'report(final.csv'").hasMessageContaining("not a valid regular expression");
    }

    @Test
    void alternativesThatCanMatchNoFileNameAreRefused() {
        assertThatThrownBy(() -> FileMatcher.compile(".csv|01_inbox/.*\\.csv"))
                .hasMessageStartingWith("handled_file_glob '.csv|01_inbox/.*\\.csv': alternative '01_inbox/.*\\.csv'"
                        + " can match no file name").hasMessageContaining("'/'");
        assertThatThrownBy(() -> FileMatcher.compile("\\.csv$\\.gz"))
                .hasMessageContaining("can match no file name").hasMessageContaining("'$'");
        assertThatThrownBy(() -> FileMatcher.compile("data_^\\d+\\.csv"))
                .hasMessageContaining("can match no file name").hasMessageContaining("'^'");
        assertThatThrownBy(() -> FileMatcher.compile(".toml"))
                .hasMessageContaining("can match no file name").hasMessageContaining("configs or error logs");
        assertThatThrownBy(() -> FileMatcher.compile("*_error_log_.txt")).hasMessageContaining("can match no file name");
        assertThatThrownBy(() -> FileMatcher.compile(".*\\.toml$")).hasMessageContaining("ends with '.toml'");
    }
}

package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class LocalFilesTest {
    private final Path dir = Path.of("/tmp/castiron-test/data");

    @Test
    void keepsAnOrdinaryOrOddButHarmlessNameAsItIs() {
        assertThat(LocalFiles.safeName("weather.csv")).isEqualTo("weather.csv");
        assertThat(LocalFiles.safeName("a b;rm -rf x.csv")).isEqualTo("a b;rm -rf x.csv");
        assertThat(LocalFiles.safeName("données $(id).csv")).isEqualTo("données $(id).csv");
    }

    @Test
    void noNameLeavesTheFolder() {
        for (String name : new String[] {"../../etc/passwd", "..", ".", "/", "a/../../b.csv", "..\\..\\win.ini",
                "", "   ", "x/..", "\u0000\n\t"}) {
            Path file = LocalFiles.inside(dir, name);
            assertThat(file.getParent()).as("'%s' -> %s", name, file).isEqualTo(dir);
            assertThat(file.getFileName().toString()).as("'%s'", name).isNotIn("", ".", "..");
        }
        assertThat(LocalFiles.safeName("../../etc/passwd")).isEqualTo("____etc_passwd");
    }

    @Test
    void dropsControlCharactersAndShortensLongNamesKeepingTheExtension() {
        assertThat(LocalFiles.safeName("line\nbreak\u0007.csv")).isEqualTo("linebreak.csv");
        String longName = "x".repeat(500) + ".parquet";
        String safe = LocalFiles.safeName(longName);
        assertThat(safe).hasSize(LocalFiles.MAX_NAME_LENGTH).endsWith(".parquet");
    }
}

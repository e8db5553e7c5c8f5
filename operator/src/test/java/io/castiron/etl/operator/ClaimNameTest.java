package io.castiron.etl.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.castiron.etl.operator.pipeline.ClaimName;

class ClaimNameTest {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @Test
    void twoScansOfOneUploadAgreeAndAReUploadDiffers() {
        String a = ClaimName.of("etl", "in/a.csv", "e1", "2026-01-01T00:00:00Z", "a.csv");
        assertThat(ClaimName.of("etl", "in/a.csv", "e1", "2026-01-01T00:00:00Z", "a.csv")).isEqualTo(a);
        assertThat(ClaimName.of("etl", "in/a.csv", "e1", "2026-01-01T00:05:00Z", "a.csv")).isNotEqualTo(a);
        assertThat(ClaimName.of("etl", "in/a.csv", "e2", "2026-01-01T00:00:00Z", "a.csv")).isNotEqualTo(a);
        assertThat(ClaimName.of("other", "in/a.csv", "e1", "2026-01-01T00:00:00Z", "a.csv")).isNotEqualTo(a);
    }

    @Test
    void oddFileNamesGiveValidJobNames() {
        for (String name : new String[] {"a b;rm -rf x.csv", "--leading.csv", "ünïcødé 数据.csv", "100%+.csv", "..",
                "x".repeat(300) + ".csv", "-.-"}) {
            String claim = ClaimName.of("etl", "in/" + name, "e", "t", name);
            assertThat(claim).as(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
        }
        assertThat(ClaimName.of("etl", "in/Data File.CSV", "e", "t", "Data File.CSV")).startsWith("data-file-csv-");
        assertThat(ClaimName.of("etl", "in/数据", "e", "t", "数据")).startsWith("file-");
    }
}

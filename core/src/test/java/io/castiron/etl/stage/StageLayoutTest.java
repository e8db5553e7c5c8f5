package io.castiron.etl.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.Stages;

class StageLayoutTest {
    private static Stages seedStyle() {
        return new Stages("01_inbox/", "02_processing", "03_archive", "04_failed", null);
    }

    @Test
    void stageFoldersAreRelativeToThePrefixWhateverTheSlashes() {
        var layout = new StageLayout("etl", "/tests/", seedStyle());
        assertThat(layout.inboxDir()).isEqualTo("tests/01_inbox/");
        assertThat(layout.processingDir()).isEqualTo("tests/02_processing/");
        assertThat(layout.archiveDir()).contains("tests/03_archive/");
        assertThat(layout.errorDir()).isEqualTo("tests/04_failed/");
        assertThat(layout.canceledDir()).isEqualTo("tests/05_canceled/");
    }

    @Test
    void emptyPrefixMeansTheBucketRoot() {
        var layout = new StageLayout("etl", "", new Stages("/in/", "proc/", null, "/err", "cancel"));
        assertThat(layout.dirs()).containsExactly("in/", "proc/", "err/", "cancel/");
        assertThat(layout.archiveDir()).isEmpty();
        assertThat(layout.archiveKey("id", "a.csv")).isEmpty();
    }

    @Test
    void everyStageKeyOfAFileComesFromOnePlace() {
        var layout = new StageLayout("etl", "tests", seedStyle());
        String id = "0b6f2a52-4a4e-4a53-9d0c-1f1f3c1f0a11";
        assertThat(layout.inboxKey("data.csv")).isEqualTo("tests/01_inbox/data.csv");
        assertThat(layout.processingKey(id, "data.csv")).isEqualTo("tests/02_processing/" + id + "-data.csv");
        assertThat(layout.archiveKey(id, "data.csv")).contains("tests/03_archive/" + id + "-data.csv");
        assertThat(layout.errorKey(id, "data.csv")).isEqualTo("tests/04_failed/" + id + "-data.csv");
        assertThat(layout.canceledKey(id, "data.csv")).isEqualTo("tests/05_canceled/" + id + "-data.csv");
        assertThat(layout.errorLogKey(id, "data.v2.csv"))
                .isEqualTo("tests/04_failed/" + id + "-data_v2_csv_error_log_.txt");
        assertThat(layout.keepKey(layout.inboxDir())).isEqualTo("tests/01_inbox/.keep");
    }

    @Test
    void onlyKeysDirectlyInTheInboxAreInboxFiles() {
        var layout = new StageLayout("etl", "tests", seedStyle());
        assertThat(layout.inboxFileName("tests/01_inbox/a b.csv")).contains("a b.csv");
        assertThat(layout.inboxFileName("tests/01_inbox/sub/a.csv")).isEmpty();
        assertThat(layout.inboxFileName("tests/01_inbox/")).isEmpty();
        assertThat(layout.inboxFileName("other/01_inbox/a.csv")).isEmpty();
        assertThat(layout.inboxFileName("tests/01_inboxx/a.csv")).isEmpty();
        assertThat(layout.processingFileName("tests/02_processing/x-a.csv")).contains("x-a.csv");
    }

    @Test
    void foldersThatEscapeOrCollideAreRejectedByName() {
        assertThatThrownBy(() -> new StageLayout("etl", "", new Stages("../in", "p", null, "e", null)))
                .hasMessageContaining("inbox_dir").hasMessageContaining("..");
        assertThatThrownBy(() -> new StageLayout("etl", "", new Stages("in", "in/", null, "e", null)))
                .hasMessageContaining("in/").hasMessageContaining("two stages");
        assertThatThrownBy(() -> new StageLayout("etl", "", new Stages("in", " ", null, "e", null)))
                .hasMessageContaining("processing_dir must not be empty");
        assertThatThrownBy(() -> new StageLayout("", "", seedStyle())).hasMessageContaining("bucket");
    }
}

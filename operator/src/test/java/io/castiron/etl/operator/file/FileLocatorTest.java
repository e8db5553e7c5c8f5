package io.castiron.etl.operator.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.testkit.ChildServers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Where a file is after its Job: the row the runner finished first, the object store when the row cannot say. */
class FileLocatorTest {
    private final FileLocator locator = new FileLocator();
    private final String bucket = "locator-" + UUID.randomUUID().toString().substring(0, 8);
    private final StageLayout layout = new StageLayout(bucket, "p/",
            new Stages("01_inbox", "02_processing", "03_archive", "04_error", null));
    private final EtlFile file = new EtlFile();
    private String id;

    @BeforeEach
    void servers() {
        // in a child JVM, as for the operator's Quarkus tests (s3proxy's Guice cannot share this JVM's classpath)
        Settings settings = Settings.from(ChildServers.sharedSettingsEnv());
        locator.store = ObjectStore.from(settings);
        locator.rows = StatusStore.from(settings);
        locator.rows.migrate();
        locator.store.ensureBucket(bucket);
        id = UUID.randomUUID().toString();
        file.setMetadata(new ObjectMetaBuilder().withName("f").withUid(id).build());
        file.getSpec().setOriginalName("a.csv");
        file.getSpec().setInboxKey("p/01_inbox/a.csv");
        locator.rows.insert(FileStatusRecord.builder(UUID.fromString(id), bucket, layout.processingKey(id, "a.csv"),
                "a.csv").status(FileStatus.QUEUED).build());
    }

    @Test
    void aRowTheRunnerFinishedInTheArchiveAnswersWithoutTheObjectStore() {
        String archived = layout.archiveKey(id, "a.csv").orElseThrow();
        locator.rows.finish(UUID.fromString(id), FileStatus.COMPLETE, archived, null);
        // nothing in S3: only the row can have said so
        assertThat(locator.locateAfterSuccess(file, layout))
                .isEqualTo(new FileLocator.Location(FileLocator.Stage.ARCHIVE, archived));
    }

    @Test
    void aRowThatSaysOtherwiseLeadsToTheObjectStore() {
        String canceled = layout.canceledKey(id, "a.csv");
        locator.rows.finish(UUID.fromString(id), FileStatus.CANCELED, canceled, null);
        locator.store.upload(bucket, canceled, "x".getBytes(StandardCharsets.UTF_8), "text/csv", Map.of());

        assertThat(locator.locateAfterSuccess(file, layout))
                .isEqualTo(new FileLocator.Location(FileLocator.Stage.CANCELED, canceled));
    }

    @Test
    void withoutARowTheArchiveIsAskedFirst() {
        locator.rows.delete(UUID.fromString(id));
        String archived = layout.archiveKey(id, "a.csv").orElseThrow();
        locator.store.upload(bucket, archived, "x".getBytes(StandardCharsets.UTF_8), "text/csv", Map.of());

        assertThat(locator.locateAfterSuccess(file, layout))
                .isEqualTo(new FileLocator.Location(FileLocator.Stage.ARCHIVE, archived));
    }
}

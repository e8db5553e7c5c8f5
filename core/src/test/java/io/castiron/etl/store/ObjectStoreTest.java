package io.castiron.etl.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

@ExtendWith(TestServers.class)
class ObjectStoreTest {
    static S3TestServer s3;
    static ObjectStore store;
    static String bucket;

    @BeforeAll
    static void bucket() {
        store = ObjectStore.from(Settings.from(s3.settingsEnv()));
        bucket = "store-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(store.ensureBucket(bucket)).isTrue();
        assertThat(store.ensureBucket(bucket)).as("second ensureBucket").isFalse();
    }

    private static void put(String key, String text, String contentType) {
        store.upload(bucket, key, text.getBytes(StandardCharsets.UTF_8), contentType, Map.of());
    }

    @Test
    void moveGivesTheTargetTheMetadataAndRemovesTheSource() {
        String id = UUID.randomUUID().toString();
        put("demo/01_inbox/people.csv", "name\nada\n", "text/csv");
        String target = "demo/02_processing/" + id + "-people.csv";

        boolean moved = store.move(bucket, "demo/01_inbox/people.csv", target,
                ObjectMetadata.of(id, "people.csv", FileStatus.PROCESSING));

        assertThat(moved).isTrue();
        assertThat(store.exists(bucket, "demo/01_inbox/people.csv")).as("source after the move").isFalse();
        var info = store.stat(bucket, target).orElseThrow();
        assertThat(info.userMetadata())
                .containsEntry(ObjectMetadata.ID, id)
                .containsEntry(ObjectMetadata.ORIGINAL_FILENAME, "people.csv")
                .containsEntry(ObjectMetadata.STATUS, "Processing");
        assertThat(info.contentType()).isEqualTo("text/csv");
        assertThat(info.size()).isEqualTo(9);
        assertThat(store.readText(bucket, target)).isEqualTo("name\nada\n");
    }

    @Test
    void theUploadersMetadataAndContentHeadersSurviveEveryMove() throws Exception {
        var uploader = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .build();
        byte[] content = "id\n1\n".getBytes(StandardCharsets.UTF_8);
        uploader.putObject(PutObjectArgs.builder().bucket(bucket).object("meta/01_inbox/mine.csv")
                .stream(new ByteArrayInputStream(content), content.length, -1)
                .contentType("text/csv")
                .headers(Map.of("Content-Disposition", "attachment; filename=\"mine.csv\"",
                        "Cache-Control", "no-cache", "Content-Language", "fr"))
                .userMetadata(Map.of("Owner_dn", "CN=Ada Lovelace,O=Example", "Project", "demo"))
                .build());

        store.move(bucket, "meta/01_inbox/mine.csv", "meta/02_processing/9-mine.csv",
                ObjectMetadata.of("9", "mine.csv", FileStatus.QUEUED));
        store.move(bucket, "meta/02_processing/9-mine.csv", "meta/03_archive/9-mine.csv",
                ObjectMetadata.status(FileStatus.COMPLETE));

        var archived = store.stat(bucket, "meta/03_archive/9-mine.csv").orElseThrow();
        assertThat(archived.userMetadata())
                .containsEntry(ObjectMetadata.OWNER_DN, "CN=Ada Lovelace,O=Example")
                .containsEntry("project", "demo")
                .containsEntry(ObjectMetadata.ID, "9")
                .containsEntry(ObjectMetadata.ORIGINAL_FILENAME, "mine.csv")
                .containsEntry(ObjectMetadata.STATUS, "Complete");
        assertThat(archived.headers())
                .containsEntry("X-Amz-Meta-Owner_dn", "CN=Ada Lovelace,O=Example")
                .containsEntry("X-Amz-Meta-Project", "demo")
                .containsEntry("X-Amz-Meta-Status", "Complete")
                .containsEntry("Content-Type", "text/csv")
                .containsEntry("Content-Disposition", "attachment; filename=\"mine.csv\"")
                .containsEntry("Cache-Control", "no-cache")
                .containsEntry("Content-Language", "fr");
    }

    @Test
    void aMoveRetriedAfterItSucceededIsANoOp() {
        put("retry/01_inbox/a.txt", "a", "text/plain");
        var metadata = ObjectMetadata.of("1", "a.txt", FileStatus.QUEUED);
        assertThat(store.move(bucket, "retry/01_inbox/a.txt", "retry/02_processing/1-a.txt", metadata)).isTrue();

        assertThat(store.move(bucket, "retry/01_inbox/a.txt", "retry/02_processing/1-a.txt", metadata)).isFalse();
        assertThat(store.readText(bucket, "retry/02_processing/1-a.txt")).isEqualTo("a");
    }

    @Test
    void aMoveInterruptedAfterTheCopyFinishesOnRetry() {
        put("crash/01_inbox/c.txt", "c", "text/plain");
        put("crash/02_processing/3-c.txt", "c", "text/plain");

        assertThat(store.move(bucket, "crash/01_inbox/c.txt", "crash/02_processing/3-c.txt",
                ObjectMetadata.of("3", "c.txt", FileStatus.QUEUED))).isTrue();

        assertThat(store.exists(bucket, "crash/01_inbox/c.txt")).isFalse();
        assertThat(store.stat(bucket, "crash/02_processing/3-c.txt").orElseThrow().metadata(ObjectMetadata.ID))
                .contains("3");
    }

    @Test
    void aMoveWithoutMetadataKeepsTheSourceMetadata() {
        put("keep/01_inbox/k.txt", "k", "text/plain");
        store.move(bucket, "keep/01_inbox/k.txt", "keep/02_processing/k.txt", ObjectMetadata.of("7", "k.txt",
                FileStatus.QUEUED));
        store.move(bucket, "keep/02_processing/k.txt", "keep/03_archive/k.txt", null);

        var info = store.stat(bucket, "keep/03_archive/k.txt").orElseThrow();
        assertThat(info.metadata(ObjectMetadata.ID)).contains("7");
        assertThat(info.contentType()).isEqualTo("text/plain");
    }

    @Test
    void aMoveOfAMissingObjectNamesBothKeys() {
        assertThatThrownBy(() -> store.move(bucket, "gone/from.csv", "gone/to.csv", Map.of()))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining(bucket).hasMessageContaining("gone/from.csv").hasMessageContaining("gone/to.csv");
    }

    @Test
    void nonAsciiOriginalFilenamesSurviveAsMetadata() {
        put("intl/01_inbox/données été.csv", "x", "text/csv");
        store.move(bucket, "intl/01_inbox/données été.csv", "intl/02_processing/9-données été.csv",
                ObjectMetadata.of("9", "données été.csv", FileStatus.QUEUED));

        assertThat(store.stat(bucket, "intl/02_processing/9-données été.csv").orElseThrow()
                .metadata(ObjectMetadata.ORIGINAL_FILENAME)).contains("données été.csv");
    }

    @Test
    void listingReturnsEveryPageAndSkipsFolders() throws Exception {
        String listBucket = bucket + "-list";
        store.ensureBucket(listBucket);
        var pool = Executors.newFixedThreadPool(8);
        try {
            var uploads = IntStream.range(0, 1100)
                    .mapToObj(i -> pool.submit(() -> store.upload(listBucket, String.format("many/f%04d.csv", i),
                            new byte[] {(byte) i}, "text/csv", Map.of())))
                    .toList();
            for (var upload : uploads) {
                upload.get();
            }
        } finally {
            pool.shutdownNow();
        }
        store.upload(listBucket, "many/sub/nested.csv", new byte[] {1}, "text/csv", Map.of());
        store.upload(listBucket, "many/folder/", new byte[0], "application/x-directory", Map.of());

        var direct = store.list(listBucket, "many/");
        assertThat(direct).hasSize(1100);
        assertThat(direct.get(0).key()).isEqualTo("many/f0000.csv");
        assertThat(direct.get(0).size()).isEqualTo(1);
        assertThat(direct.get(0).etag()).isNotBlank().doesNotContain("\"");
        assertThat(direct.get(0).lastModified()).isNotNull();

        var all = store.listRecursive(listBucket, "many/");
        assertThat(all).hasSize(1101).noneMatch(o -> o.key().endsWith("/"));
    }

    @Test
    void aWalkDoesNotDescendIntoSkippedFolders() {
        String walkBucket = bucket + "-walk";
        store.ensureBucket(walkBucket);
        for (String key : List.of("a.toml", "team/b.toml", "team/01_inbox/x.csv", "team/01_inbox/deeper/y.toml",
                "team/03_archive/z.toml", "team/sub/c.toml")) {
            store.upload(walkBucket, key, new byte[] {1}, "text/plain", Map.of());
        }
        store.upload(walkBucket, "team/empty/", new byte[0], "application/x-directory", Map.of());

        var keys = store.listRecursive(walkBucket, "", Set.of("team/01_inbox/", "team/03_archive/")::contains)
                .stream().map(ObjectSummary::key).sorted().toList();

        assertThat(keys).containsExactly("a.toml", "team/b.toml", "team/sub/c.toml");
        assertThat(store.listRecursive(walkBucket, "", folder -> false)).hasSize(6);
    }

    @Test
    void aMoveOfAnObjectAlreadyLookedUpIsJustAsIdempotent() {
        put("known/01_inbox/k.csv", "k", "text/csv");
        var source = store.stat(bucket, "known/01_inbox/k.csv").orElseThrow();

        assertThat(store.move(bucket, source, "known/02_processing/k.csv",
                ObjectMetadata.of("5", "k.csv", FileStatus.QUEUED))).isTrue();

        var moved = store.stat(bucket, "known/02_processing/k.csv").orElseThrow();
        assertThat(moved.contentType()).isEqualTo("text/csv");
        assertThat(moved.userMetadata()).containsEntry(ObjectMetadata.ID, "5");
        assertThat(store.exists(bucket, "known/01_inbox/k.csv")).isFalse();
        assertThat(store.move(bucket, source, "known/02_processing/k.csv", null)).as("the same move again").isFalse();
        assertThatThrownBy(() -> store.move(bucket, source, "known/03_archive/k.csv", null))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("known/01_inbox/k.csv").hasMessageContaining("known/03_archive/k.csv")
                .hasMessageContaining("neither the source nor the target exists");
    }

    @Test
    void aMoveToAMissingBucketOrFromAMissingBucketNamesIt() {
        put("nobucket/a.csv", "a", "text/csv");
        var source = store.stat(bucket, "nobucket/a.csv").orElseThrow();
        assertThatThrownBy(() -> store.move(bucket + "-absent", source, "nobucket/b.csv", null))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining(bucket + "-absent").hasMessageContaining("NoSuchBucket");
        assertThat(store.exists(bucket, "nobucket/a.csv")).as("source untouched").isTrue();
    }

    @Test
    void aStoreForManyCallersServesConcurrentRequests() throws Exception {
        var shared = ObjectStore.from(Settings.from(s3.settingsEnv()), 16);
        var pool = Executors.newFixedThreadPool(16);
        try {
            var uploads = IntStream.range(0, 64)
                    .mapToObj(i -> pool.submit(() -> shared.upload(bucket, "shared/f" + i, new byte[] {(byte) i},
                            "text/plain", Map.of())))
                    .toList();
            for (var upload : uploads) {
                upload.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.list(bucket, "shared/")).hasSize(64);
        assertThatThrownBy(() -> ObjectStore.from(Settings.from(s3.settingsEnv()), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stageFoldersGetAKeepMarkerOnce() {
        var layout = new StageLayout(bucket, "stages/", new Stages("01_inbox", "02_processing", "03_archive",
                "04_error", null));

        assertThat(store.ensureStageDirs(layout)).containsExactly(
                "stages/01_inbox/.keep", "stages/02_processing/.keep", "stages/03_archive/.keep",
                "stages/04_error/.keep", "stages/05_canceled/.keep");
        assertThat(store.ensureStageDirs(layout)).as("second call").isEmpty();
        assertThat(store.exists(bucket, "stages/01_inbox/.keep")).isTrue();
    }

    @Test
    void uploadDownloadAndDeleteAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("in.txt"), "hello");
        store.upload(bucket, "files/in.txt", file, "text/plain", Map.of("origin", "test"));
        store.downloadIfPresent(bucket, "files/in.txt", dir.resolve("out/in.txt"));
        var got = store.downloadIfPresent(bucket, "files/in.txt", dir.resolve("out/in.txt")).orElseThrow();

        assertThat(dir.resolve("out/in.txt")).hasContent("hello");
        var stat = store.stat(bucket, "files/in.txt").orElseThrow();
        assertThat(got).as("what the GET says is what a stat says (a response's Date may fall in the next second)")
                .usingRecursiveComparison().ignoringFields("headers.Date").isEqualTo(stat);
        assertThat(got.headers()).containsKey("Date");
        assertThat(got.metadata("origin")).contains("test");
        assertThat(got.size()).isEqualTo(5);
        assertThat(got.contentType()).isEqualTo("text/plain");
        assertThat(store.downloadIfPresent(bucket, "files/missing.txt", dir.resolve("out/missing.txt"))).isEmpty();
        assertThat(dir.resolve("out/missing.txt")).doesNotExist();
        store.delete(bucket, "files/in.txt");
        store.delete(bucket, "files/in.txt");
        assertThat(store.stat(bucket, "files/in.txt")).isEmpty();
    }

    @Test
    void failuresNameBucketAndKey(@TempDir Path dir) {
        assertThatThrownBy(() -> store.readText(bucket, "missing/file.csv"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("s3://" + bucket + "/missing/file.csv");
        assertThatThrownBy(() -> store.stat("no-such-bucket-x", "a.csv"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("s3://no-such-bucket-x/a.csv");
        assertThatThrownBy(() -> store.downloadIfPresent("no-such-bucket-x", "a.csv", dir.resolve("x")))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("s3://no-such-bucket-x/a.csv");
    }
}

package io.castiron.etl.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.castiron.etl.config.Settings;
import io.castiron.etl.stage.StageLayout;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.HttpUtils;
import io.minio.messages.Item;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The product's object-store operations on the MinIO SDK. Every method takes the bucket (pipelines may use
 * different buckets); every failure is an {@link ObjectStoreException} naming bucket and key.
 */
public final class ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
    private static final Set<String> ABSENT = Set.of("NoSuchKey", "NoSuchObject");
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final Duration MINIO_DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final String CONTENT_TYPE = "Content-Type";
    /** The headers, besides the content type, that S3 stores with an object and a replacing copy must restate. */
    private static final List<String> STORED_HEADERS = List.of("Content-Encoding", "Content-Disposition",
            "Content-Language", "Cache-Control", "Expires");

    private final MinioClient client;
    private final CopyClient copier;
    /** Test hook for fault tests: runs between a move's copy and its delete, with the target key. */
    private volatile Consumer<String> beforeDeleteOfMove = to -> {
    };

    private ObjectStore(MinioClient client, CopyClient copier) {
        this.client = client;
        this.copier = copier;
    }

    /** A store on the S3 endpoint, keys and region of {@code settings}, for a single caller (the runner). */
    public static ObjectStore from(Settings settings) {
        long timeout = MINIO_DEFAULT_TIMEOUT.toMillis();
        return on(settings, plainHttp(settings) ? plainHttpClient()
                : HttpUtils.newDefaultHttpClient(timeout, timeout, timeout));
    }

    /** The SDK's client and the copier on {@code settings}' endpoint, sharing one HTTP client (its connections). */
    private static ObjectStore on(Settings settings, OkHttpClient http) {
        var client = MinioClient.builder()
                .endpoint(settings.s3Endpoint())
                .credentials(settings.s3AccessKey(), settings.s3SecretKey())
                .region(settings.s3Region())
                .httpClient(http, true)
                .build();
        var copier = new CopyClient(MinioAsyncClient.builder()
                .endpoint(settings.s3Endpoint())
                .credentials(settings.s3AccessKey(), settings.s3SecretKey())
                .region(settings.s3Region())
                .httpClient(http, false)
                .build());
        return new ObjectStore(client, copier);
    }

    private static boolean plainHttp(Settings settings) {
        return settings.s3Endpoint().startsWith("http://");
    }

    /**
     * MinIO's default HTTP client without TLS. The default sets TLS up even for a plain-HTTP endpoint, loading
     * the JDK's CA certificates: a good tenth of a second of every runner's start-up.
     */
    private static OkHttpClient plainHttpClient() {
        return new OkHttpClient.Builder()
                .connectTimeout(MINIO_DEFAULT_TIMEOUT)
                .writeTimeout(MINIO_DEFAULT_TIMEOUT)
                .readTimeout(MINIO_DEFAULT_TIMEOUT)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
                .build();
    }

    /**
     * A store for many concurrent callers (the operator's reconcilers): up to {@code maxConcurrentRequests} requests
     * in flight to the endpoint, instead of the HTTP client's default of 5 per host.
     */
    public static ObjectStore from(Settings settings, int maxConcurrentRequests) {
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, not " + maxConcurrentRequests);
        }
        var dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxConcurrentRequests);
        dispatcher.setMaxRequestsPerHost(maxConcurrentRequests);
        long timeout = MINIO_DEFAULT_TIMEOUT.toMillis();
        OkHttpClient base = plainHttp(settings) ? plainHttpClient()
                : HttpUtils.newDefaultHttpClient(timeout, timeout, timeout);
        return on(settings, base.newBuilder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(maxConcurrentRequests, 5, TimeUnit.MINUTES))
                .build());
    }

    /** Creates the bucket unless it exists; true when it created it. */
    public boolean ensureBucket(String bucket) {
        try {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return false;
            }
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            LOG.info("created bucket {}", bucket);
            return true;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("BucketAlreadyOwnedByYou".equals(code) || "BucketAlreadyExists".equals(code)) {
                return false;
            }
            throw failure("create bucket", bucket, "", e);
        } catch (Exception e) {
            throw failure("create bucket", bucket, "", e);
        }
    }

    /**
     * Puts an empty {@code .keep} object in each stage folder that has none, so the folders show in S3 browsers;
     * returns the keys it created.
     */
    public List<String> ensureStageDirs(StageLayout layout) {
        var created = new ArrayList<String>();
        for (String dir : layout.dirs()) {
            String key = layout.keepKey(dir);
            if (!exists(layout.bucket(), key)) {
                upload(layout.bucket(), key, new byte[0], "text/plain", Map.of());
                created.add(key);
            }
        }
        if (!created.isEmpty()) {
            LOG.info("created stage folders in bucket {}: {}", layout.bucket(), created);
        }
        return created;
    }

    /** Objects directly under {@code prefix} (not in its sub-folders), all pages; folders are skipped. */
    public List<ObjectSummary> list(String bucket, String prefix) {
        return list(bucket, prefix, false);
    }

    /** Every object under {@code prefix}, sub-folders included, all pages; folder markers are skipped. */
    public List<ObjectSummary> listRecursive(String bucket, String prefix) {
        return list(bucket, prefix, true);
    }

    /**
     * Every object under {@code prefix}, walking one folder level per listing and not descending into the folders
     * (keys ending in {@code /}) that {@code skip} names, so a walk costs O(objects outside them).
     */
    public List<ObjectSummary> listRecursive(String bucket, String prefix, Predicate<String> skip) {
        var objects = new ArrayList<ObjectSummary>();
        var folders = new ArrayDeque<String>(List.of(prefix));
        var seen = new HashSet<String>(folders);
        while (!folders.isEmpty()) {
            String folder = folders.poll();
            listInto(bucket, folder, false, objects, sub -> {
                if (!sub.equals(folder) && !skip.test(sub) && seen.add(sub)) {
                    folders.add(sub);
                }
            });
        }
        return objects;
    }

    private List<ObjectSummary> list(String bucket, String prefix, boolean recursive) {
        var objects = new ArrayList<ObjectSummary>();
        listInto(bucket, prefix, recursive, objects, folder -> {
        });
        return objects;
    }

    /** Adds the objects of one listing, all pages, to {@code objects}; folders (keys ending in /) go to {@code folders}. */
    private void listInto(String bucket, String prefix, boolean recursive, List<ObjectSummary> objects,
            Consumer<String> folders) {
        try {
            Iterable<Result<Item>> results = client.listObjects(
                    ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(recursive).build());
            for (Result<Item> result : results) {
                Item item = result.get();
                if (item.isDir() || item.objectName().endsWith("/")) {
                    folders.accept(item.objectName());
                    continue;
                }
                objects.add(new ObjectSummary(item.objectName(), item.size(), unquote(item.etag()),
                        item.lastModified() == null ? null : item.lastModified().toInstant()));
            }
        } catch (Exception e) {
            throw failure("list", bucket, prefix + "*", e);
        }
    }

    /** The object's size, etag, content type, last modified and user metadata; empty when it does not exist. */
    public Optional<ObjectInfo> stat(String bucket, String key) {
        try {
            return Optional.of(info(key,
                    client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())));
        } catch (ErrorResponseException e) {
            if (ABSENT.contains(e.errorResponse().code())) {
                // a HEAD 404 carries no body, so a missing bucket looks like a missing key: tell them apart
                requireBucket(bucket, key);
                return Optional.empty();
            }
            throw failure("stat", bucket, key, e);
        } catch (Exception e) {
            throw failure("stat", bucket, key, e);
        }
    }

    private static ObjectInfo info(String key, StatObjectResponse s) {
        var headers = new LinkedHashMap<String, String>();
        for (String name : s.headers().names()) {
            String userKey = ObjectMetadata.userKey(name);
            headers.put(userKey == null ? name : ObjectMetadata.headerName(userKey),
                    String.join(",", s.headers().values(name)));
        }
        return new ObjectInfo(key, s.size(), unquote(s.etag()), s.contentType(),
                s.lastModified() == null ? null : s.lastModified().toInstant(),
                ObjectMetadata.decode(s.userMetadata()), headers);
    }

    public boolean exists(String bucket, String key) {
        return stat(bucket, key).isPresent();
    }

    /**
     * Moves {@code from} to {@code to} (copy, then delete). The target keeps all the source's metadata, the user's
     * {@code X-Amz-Meta-*} keys and the content headers it was uploaded with, with {@code metadataUpdates} set over
     * them (keys compared without case); empty updates copy the metadata as it is. Idempotent, so a retried step
     * resumes: when the source is gone and the target exists the move already happened and this returns false;
     * when both are gone it fails naming both keys. Returns true when it moved the object now. Looks the source up
     * first (its size, and the metadata that a copy which changes any of it must restate).
     */
    public boolean move(String bucket, String from, String to, Map<String, String> metadataUpdates) {
        Optional<ObjectInfo> source = stat(bucket, from);
        if (source.isEmpty()) {
            return alreadyMoved(bucket, from, to);
        }
        return move(bucket, source.get(), to, metadataUpdates);
    }

    /**
     * {@link #move(String, String, String, Map)} of an object the caller has just looked up ({@link #stat}, or the
     * GET of {@link #downloadIfPresent}), saving that request: a copy and a delete. Just as idempotent.
     */
    public boolean move(String bucket, ObjectInfo source, String to, Map<String, String> metadataUpdates) {
        if (!copy(bucket, source, to, metadataUpdates)) {
            return alreadyMoved(bucket, source.key(), to);
        }
        if (!source.key().equals(to)) {
            beforeDeleteOfMove.accept(to);
            delete(bucket, source.key());
        }
        LOG.debug("moved s3://{}/{} to {}", bucket, source.key(), to);
        return true;
    }

    /** For fault tests: {@code fault} runs between the copy and the delete of every move (it may throw). */
    public void setBeforeDeleteOfMove(Consumer<String> fault) {
        beforeDeleteOfMove = fault;
    }

    /**
     * The first half of a move: copies {@code source} to {@code to} with its metadata and {@code metadataUpdates}
     * over it (see {@link #move(String, String, String, Map)}); false when the source is gone.
     */
    private boolean copy(String bucket, ObjectInfo source, String to, Map<String, String> metadataUpdates) {
        String from = source.key();
        var copy = copyArgs(bucket, source, to, metadataUpdates);
        try {
            // over 5 GiB: the SDK's copy, which looks the source up again and copies it in parts
            if (source.size() > CopyClient.MAX_SINGLE_COPY) {
                client.copyObject(copy);
            } else {
                copier.copy(copy);
            }
        } catch (ErrorResponseException e) {
            if (ABSENT.contains(e.errorResponse().code())) {
                return false;
            }
            throw failure("copy", bucket, from + " to " + to, e);
        } catch (Exception e) {
            throw failure("copy", bucket, from + " to " + to, e);
        }
        return true;
    }

    /**
     * Without updates the copy keeps the metadata as it is (directive COPY). With updates it must replace all of
     * it (S3 cannot change one key), so it re-sends the source's user metadata and stored content headers with the
     * updates over them: the uploader's metadata survives every move.
     */
    private static CopyObjectArgs copyArgs(String bucket, ObjectInfo source, String to,
            Map<String, String> metadataUpdates) {
        var copy = CopyObjectArgs.builder()
                .bucket(bucket)
                .object(to)
                .source(CopySource.builder().bucket(bucket).object(source.key()).build());
        if (metadataUpdates != null && !metadataUpdates.isEmpty()) {
            var metadata = new LinkedHashMap<>(source.userMetadata());
            metadata.keySet().removeIf(key -> metadataUpdates.keySet().stream().anyMatch(key::equalsIgnoreCase));
            metadata.putAll(metadataUpdates);
            var headers = new LinkedHashMap<String, String>();
            headers.put(CONTENT_TYPE, source.contentType() == null ? DEFAULT_CONTENT_TYPE : source.contentType());
            for (String name : STORED_HEADERS) {
                source.header(name).ifPresent(value -> headers.put(name, value));
            }
            copy.metadataDirective(Directive.REPLACE)
                    .userMetadata(ObjectMetadata.encode(metadata))
                    .headers(headers);
        }
        return copy.build();
    }

    /** The source is gone: the move happened already if the target is there; otherwise nothing is left to move. */
    private boolean alreadyMoved(String bucket, String from, String to) {
        if (exists(bucket, to)) {
            LOG.debug("s3://{}/{} already moved to {}", bucket, from, to);
            return false;
        }
        throw new ObjectStoreException("cannot move s3://" + bucket + "/" + from + " to " + to
                + ": neither the source nor the target exists");
    }

    /**
     * Writes the object to {@code target} (replacing it; parent folders are created) and returns what {@link #stat}
     * would, read from the same GET's headers: one request for both. Empty, writing nothing, when the object does
     * not exist.
     */
    public Optional<ObjectInfo> downloadIfPresent(String bucket, String key, Path target) {
        try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            ObjectInfo info = info(key, new StatObjectResponse(in.headers(), bucket, in.region(), key));
            if (target.toAbsolutePath().getParent() != null) {
                Files.createDirectories(target.toAbsolutePath().getParent());
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(info);
        } catch (ErrorResponseException e) {
            // unlike a HEAD's, a GET's 404 has a body: NoSuchBucket is not among ABSENT
            if (ABSENT.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw failure("download", bucket, key, e, " to " + target);
        } catch (Exception e) {
            throw failure("download", bucket, key, e, " to " + target);
        }
    }

    public void upload(String bucket, String key, Path file, String contentType, Map<String, String> userMetadata) {
        try {
            client.uploadObject(UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .filename(file.toString())
                    .contentType(contentType == null ? DEFAULT_CONTENT_TYPE : contentType)
                    .userMetadata(ObjectMetadata.encode(userMetadata == null ? Map.of() : userMetadata))
                    .build());
        } catch (Exception e) {
            throw failure("upload", bucket, key, e, " from " + file);
        }
    }

    public void upload(String bucket, String key, byte[] content, String contentType,
            Map<String, String> userMetadata) {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .stream(new ByteArrayInputStream(content), content.length, -1)
                    .contentType(contentType == null ? DEFAULT_CONTENT_TYPE : contentType)
                    .userMetadata(ObjectMetadata.encode(userMetadata == null ? Map.of() : userMetadata))
                    .build());
        } catch (Exception e) {
            throw failure("upload", bucket, key, e);
        }
    }

    /** The object's content as UTF-8 text. */
    public String readText(String bucket, String key) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw failure("read", bucket, key, e);
        }
    }

    /** Deletes the object; deleting an absent object succeeds. */
    public void delete(String bucket, String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw failure("delete", bucket, key, e);
        }
    }

    private void requireBucket(String bucket, String key) {
        boolean exists;
        try {
            exists = client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw failure("stat", bucket, key, e);
        }
        if (!exists) {
            throw new ObjectStoreException("cannot stat s3://" + bucket + "/" + key + ": bucket " + bucket
                    + " does not exist");
        }
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private static ObjectStoreException failure(String operation, String bucket, String key, Exception e) {
        return failure(operation, bucket, key, e, "");
    }

    private static ObjectStoreException failure(String operation, String bucket, String key, Exception e,
            String detail) {
        if (e instanceof InterruptedException || e.getCause() instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String reason = e instanceof ErrorResponseException r
                ? r.errorResponse().code() + ": " + r.errorResponse().message()
                : e instanceof IOException ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new ObjectStoreException("cannot " + operation + " s3://" + bucket + "/" + key + detail + ": " + reason, e);
    }
}

package io.castiron.etl.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.minio.MinioClient;

/**
 * An S3 server (s3proxy on jclouds' filesystem provider, so user metadata and directory markers behave as on
 * disk) on a free loopback port with V4 authentication. One per JVM: {@link #shared()}.
 */
public final class S3TestServer {
    private static final Logger LOG = LoggerFactory.getLogger(S3TestServer.class);
    private static S3TestServer shared;

    public static final String ACCESS_KEY = "castiron-test";
    public static final String SECRET_KEY = "castiron-test-secret";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final Path dataDir;
    private final String endpoint;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    /** Buckets whose every request fails, with when the latest one did (System.nanoTime). */
    private final Map<String, AtomicLong> outages = new ConcurrentHashMap<>();

    private S3TestServer() throws Exception {
        long started = System.nanoTime();
        dataDir = TestFiles.tempDir("castiron-s3-");
        var props = new Properties();
        props.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir.toString());
        var blobStore = ContextBuilder.newBuilder("filesystem")
                .overrides(props)
                .build(BlobStoreContext.class)
                .getBlobStore();
        proxy = S3Proxy.builder()
                .blobStore(counting(blobStore))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        LOG.info("S3 test server at {} (data in {}) started in {} ms", endpoint, dataDir,
                (System.nanoTime() - started) / 1_000_000);
        TestFiles.onExit(this::stop);
    }

    /** The store with each call counted by method: what the server was asked to do, for the bench. */
    private BlobStore counting(BlobStore store) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (self, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new LongAdder()).increment();
                    if (!outages.isEmpty() && args != null && args.length > 0 && args[0] instanceof String bucket
                            && outages.containsKey(bucket)) {
                        outages.get(bucket).set(System.nanoTime());
                        throw new IllegalStateException("test outage of bucket " + bucket);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Calls of the server's storage layer since the last {@link #resetCalls()}, by method: {@code getBlob} (a GET),
     * {@code blobMetadata} (a HEAD, or a copy's look at its source), {@code copyBlob}, {@code removeBlob},
     * {@code putBlob}, {@code list}.
     */
    public Map<String, Long> calls() {
        var copy = new TreeMap<String, Long>();
        calls.forEach((method, n) -> copy.put(method, n.sum()));
        return copy;
    }

    public void resetCalls() {
        calls.clear();
    }

    /** An outage of one bucket, from {@link #outage}; it ends when closed. */
    public final class Outage implements AutoCloseable {
        private final String bucket;
        private final long began = System.nanoTime();

        private Outage(String bucket) {
            this.bucket = bucket;
        }

        /** How long after the outage began the latest request on the bucket failed; zero before the first. */
        public Duration lastFailureAfter() {
            long last = outages.getOrDefault(bucket, new AtomicLong(began)).get();
            return Duration.ofNanos(Math.max(0, last - began));
        }

        @Override
        public void close() {
            outages.remove(bucket);
        }
    }

    /**
     * Every request on {@code bucket} fails (HTTP 500) until the outage is closed: the object store away for the
     * pipelines of that bucket only, while the rest of the tests go on.
     */
    public Outage outage(String bucket) {
        var outage = new Outage(bucket);
        outages.put(bucket, new AtomicLong(outage.began));
        return outage;
    }

    /** The JVM's S3 server, started on first use. */
    public static synchronized S3TestServer shared() {
        if (shared == null) {
            try {
                shared = new S3TestServer();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the S3 test server (s3proxy): " + e.getMessage(), e);
            }
        }
        return shared;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /** Where the filesystem provider keeps buckets (one folder per bucket). */
    public Path dataDir() {
        return dataDir;
    }

    public MinioClient minioClient() {
        return MinioClient.builder().endpoint(endpoint).credentials(ACCESS_KEY, SECRET_KEY).region(REGION).build();
    }

    /** The core Settings variables that point at this server. */
    public Map<String, String> settingsEnv() {
        return Map.of(
                SettingsEnvNames.S3_ENDPOINT, endpoint,
                SettingsEnvNames.S3_ACCESS_KEY, ACCESS_KEY,
                SettingsEnvNames.S3_SECRET_KEY, SECRET_KEY,
                SettingsEnvNames.S3_REGION, REGION);
    }

    private void stop() {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("stopping the S3 test server failed: {}", e.toString());
        }
    }
}

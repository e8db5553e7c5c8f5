package io.castiron.etl.testkit.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes control plane on loopback, for the end-to-end tests and {@code make demo}: etcd,
 * kube-apiserver (RBAC authorization, service-account token signing, the default admission plugins) and
 * kube-controller-manager (the Job, garbage-collector, namespace, service-account, Deployment and ReplicaSet
 * controllers, each with its own service account's credentials), built by {@code make tools}. There is no
 * scheduler and no kubelet: {@link ProcessNode} binds pods and runs them as local processes.
 * <p>
 * Every process runs under {@link GuardedProcesses}, so none outlives this JVM. Ports are chosen free at start.
 */
public final class LocalCluster implements AutoCloseable {
    private static final String SHARED = "castiron.testkit.local-cluster";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /** The controllers a file's lifecycle needs (kube-controller-manager's names for them). */
    static final String CONTROLLERS = String.join(",", "job-controller", "garbage-collector-controller",
            "namespace-controller", "serviceaccount-controller", "serviceaccount-token-controller",
            "root-ca-certificate-publisher-controller", "deployment-controller", "replicaset-controller",
            "pod-garbage-collector-controller", "ttl-after-finished-controller", "resourcequota-controller");
    /**
     * {@code -Dcastiron.cluster.audit=true}: the apiserver writes every request on the project's resources, with
     * its request and response bodies, to {@code <logs>/audit.log} (to see what a client really sent).
     */
    public static final String AUDIT = "castiron.cluster.audit";
    /** The issuer and audience of service-account tokens, as in most clusters. */
    public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

    private final Path tools;
    private final Path dir;
    private final Path logs;
    /** The guarded server processes by name, in the order they started. */
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final String adminToken = randomToken();
    private int port;
    private Path caFile;
    private Path adminKubeconfig;
    private KubernetesClient admin;

    private LocalCluster(Path tools, Path dir, Path logs) {
        this.tools = tools;
        this.dir = dir;
        this.logs = logs;
    }

    /**
     * The JVM's cluster, started on first use (10-30 s) and stopped when the JVM exits. Shared across class loaders
     * through a system property, as the other test servers are.
     */
    public static LocalCluster shared() {
        synchronized (System.getProperties()) {
            Object existing = System.getProperties().get(SHARED);
            if (existing instanceof LocalCluster cluster) {
                return cluster;
            }
            try {
                Path dir = Files.createTempDirectory("castiron-cluster");
                Path logs = Path.of(System.getProperty("castiron.logs.dir", dir.toString())).resolve("cluster");
                LocalCluster cluster = start(ClusterTools.dir(), dir, logs);
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop local cluster"));
                System.getProperties().put(SHARED, cluster);
                return cluster;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the local control plane: " + e.getMessage(), e);
            }
        }
    }

    /** Starts etcd, kube-apiserver and kube-controller-manager with their state in {@code dir}, logs in {@code logs}. */
    public static LocalCluster start(Path tools, Path dir, Path logs) throws IOException {
        Files.createDirectories(logs);
        var cluster = new LocalCluster(tools, dir, logs);
        try {
            cluster.startAll();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        long began = System.nanoTime();
        int etcdPort = Loopback.freePort();
        start("etcd", List.of(tools.resolve("etcd").toString(),
                "--name=local", "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + Loopback.freePort(),
                "--listen-metrics-urls=http://127.0.0.1:" + Loopback.freePort(),
                "--unsafe-no-fsync", "--log-level=warn"));
        awaitUp("etcd", () -> httpOk("http://127.0.0.1:" + etcdPort + "/health"));

        Path pki = Files.createDirectories(dir.resolve("pki"));
        Path serviceAccountKey = writeServiceAccountKey(pki.resolve("service-account.key"));
        String controllerManagerToken = randomToken();
        Path tokens = pki.resolve("tokens.csv");
        Files.writeString(tokens, adminToken + ",admin,admin,\"system:masters\"\n"
                + controllerManagerToken + ",system:kube-controller-manager,system:kube-controller-manager\n");
        port = Loopback.freePort();
        var apiserver = new ArrayList<>(List.of(tools.resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + port,
                "--cert-dir=" + pki, // a self-signed serving certificate and its CA, written there at start
                "--token-auth-file=" + tokens,
                "--authorization-mode=RBAC",
                "--service-account-issuer=" + ISSUER,
                "--service-account-key-file=" + serviceAccountKey,
                "--service-account-signing-key-file=" + serviceAccountKey,
                "--service-cluster-ip-range=10.96.0.0/24",
                "--allow-privileged=true", "--profiling=false", "--v=1"));
        if (Boolean.getBoolean(AUDIT)) {
            apiserver.addAll(auditFlags(pki));
        }
        start("kube-apiserver", apiserver);
        caFile = pki.resolve("apiserver.crt"); // the serving certificate followed by the CA that signed it
        awaitUp("kube-apiserver", () -> Files.exists(caFile) && httpOk(url() + "/readyz"));
        adminKubeconfig = writeKubeconfig(dir.resolve("admin.kubeconfig"), "admin", adminToken);
        admin = new KubernetesClientBuilder().withConfig(config(adminToken)).build();

        Path controllerManagerKubeconfig = writeKubeconfig(dir.resolve("kube-controller-manager.kubeconfig"),
                "system:kube-controller-manager", controllerManagerToken);
        start("kube-controller-manager", List.of(tools.resolve("kube-controller-manager").toString(),
                "--kubeconfig=" + controllerManagerKubeconfig,
                "--controllers=" + CONTROLLERS,
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + serviceAccountKey,
                "--root-ca-file=" + caFile,
                "--leader-elect=false", "--secure-port=0", "--v=1"));
        // The service-account controller gives every namespace its "default" account: the controllers are running.
        awaitUp("kube-controller-manager", () -> admin.serviceAccounts().inNamespace("default")
                .withName("default").get() != null);
        System.out.printf("local control plane up in %.1f s: %s (logs: %s)%n",
                (System.nanoTime() - began) / 1e9, url(), logs);
    }

    private List<String> auditFlags(Path pki) throws IOException {
        Path policy = pki.resolve("audit-policy.yaml");
        Files.writeString(policy, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: RequestResponse
                  resources: [{group: etl.castiron.io}, {group: coordination.k8s.io}]
                - level: None
                """);
        return List.of("--audit-policy-file=" + policy, "--audit-log-path=" + logs.resolve("audit.log"));
    }

    private void start(String name, List<String> command) throws IOException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
        processes.put(name, GuardedProcesses.start(builder, Duration.ofSeconds(5)));
    }

    private void awaitUp(String name, BooleanSupplier up) {
        Process process = processes.get(name);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see "
                        + logs.resolve(name + ".log"));
            }
            try {
                if (up.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(name + " did not come up within " + START_TIMEOUT + "; see "
                + logs.resolve(name + ".log"));
    }

    private boolean httpOk(String url) {
        if (!url.startsWith("https")) {
            return Loopback.answers200(url);
        }
        try {
            return Loopback.answers200(Tls.client(caFile), HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + adminToken));
        } catch (IOException e) {
            return false;
        }
    }

    /** The API server's URL, {@code https://127.0.0.1:<port>}. */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The CA that signed the API server's serving certificate (PEM). */
    public Path caFile() {
        return caFile;
    }

    /** A kubeconfig for {@code kubectl} and {@code helm} as a cluster administrator. */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** A client with cluster-admin rights (group system:masters): for test set-up, never for the product. */
    public KubernetesClient admin() {
        return admin;
    }

    /**
     * The running server of that name ({@code etcd}, {@code kube-apiserver}, {@code kube-controller-manager}): the
     * guard's one child, to read its CPU time from, never to stop it.
     */
    public ProcessHandle server(String name) {
        Process guard = processes.get(name);
        if (guard == null) {
            throw new IllegalArgumentException("no server " + name + "; there are " + processes.keySet());
        }
        return guard.children().findFirst().orElseThrow(() -> new IllegalStateException(name
                + " is not running; see " + logs.resolve(name + ".log")));
    }

    /** Where the control plane's tools are (kubectl, helm, minio besides the servers). */
    public Path tools() {
        return tools;
    }

    /** The client configuration of a bearer token (a service account's, from {@link #serviceAccountToken}). */
    public Config config(String token) {
        return new ConfigBuilder().withMasterUrl(url()).withCaCertFile(caFile.toString()).withOauthToken(token)
                .withAutoConfigure(false).withRequestRetryBackoffLimit(3).build();
    }

    /**
     * A token of the service account, from the TokenRequest API (what a kubelet asks for a pod's projected token).
     * The apiserver checks RBAC for the account on every request made with it.
     */
    public String serviceAccountToken(String namespace, String serviceAccount, Duration validity) {
        TokenRequest request = new TokenRequestBuilder().withNewSpec()
                .withAudiences(ISSUER).withExpirationSeconds(validity.toSeconds()).endSpec().build();
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount).tokenRequest(request)
                .getStatus().getToken();
    }

    /** Runs kubectl (or another tool of {@link #tools()}) as the administrator; returns its output, or fails with it. */
    public String run(String tool, String... args) {
        var command = new ArrayList<>(List.of(tools.resolve(tool).toString()));
        command.addAll(List.of(args));
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("KUBECONFIG", adminKubeconfig.toString());
            builder.environment().put("HELM_CACHE_HOME", dir.resolve("helm/cache").toString());
            builder.environment().put("HELM_CONFIG_HOME", dir.resolve("helm/config").toString());
            builder.environment().put("HELM_DATA_HOME", dir.resolve("helm/data").toString());
            Process process = GuardedProcesses.start(builder, Duration.ofSeconds(2));
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + tool, e);
        }
    }

    private Path writeKubeconfig(Path file, String user, String token) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster:
                    server: %s
                    certificate-authority: %s
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: local
                  context: {cluster: local, user: "%s"}
                current-context: local
                """.formatted(url(), caFile, user, token, user));
        return file;
    }

    /** An RSA key pair for signing service-account tokens, as PKCS#8 PEM (the apiserver derives the public key). */
    private static Path writeServiceAccountKey(Path file) throws IOException {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END PRIVATE KEY-----\n");
            return file;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no RSA in this JVM", e);
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the controller manager, the apiserver and etcd, in that order, and deletes their state. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        var started = new ArrayList<>(processes.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                GuardedProcesses.stop(started.get(i), Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}

package io.castiron.etl.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.config.Settings;
import io.castiron.etl.events.EventOutbox;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.kube.ClusterTools;
import io.castiron.etl.testkit.kube.LocalCluster;
import io.castiron.etl.testkit.kube.Loopback;
import io.castiron.etl.testkit.kube.ProcessNode;
import io.castiron.etl.toml.ConvertCommand;
import io.castiron.etl.toml.PipelineConfig;
import io.castiron.etl.toml.PipelineToml;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;

/**
 * {@code make demo}: the whole product on one machine, without Docker. A real control plane ({@link LocalCluster}),
 * the CRDs applied with kubectl, the chart installed by helm, and the operator running as the chart Deployment's
 * pod on the {@link ProcessNode} (which runs pods as local processes: it stands in for a kubelet and is no
 * production runtime); the real MinIO server, PostgreSQL and Kafka on loopback. It applies a pipeline converted
 * from TOML, drops files into its inbox with the MinIO SDK, prints {@code kubectl get etlfiles} as the files move
 * through their phases, then the PostgreSQL rows and the Kafka messages; then it stays up (or, with
 * {@code --once}, stops and reports whether every file succeeded).
 */
public final class Demo implements AutoCloseable {
    public static final String OPERATOR_IMAGE = "castiron-etl-operator:demo";
    public static final String RUNNER_IMAGE = "castiron-etl-runner:demo";
    public static final String NAMESPACE = "castiron-etl";
    static final String RELEASE = "castiron-etl";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration FILES_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(250);

    /**
     * What to run.
     *
     * @param repository   the project's root (packaged operator and runner, crds/, the chart)
     * @param stateDir     the demo's folder: state file, pid, logs, the cluster's and MinIO's data
     * @param toml         the pipeline to convert and apply
     * @param pipelineName its EtlPipeline's name
     * @param prefix       its folder in bucket {@code etl}
     * @param files        what to drop into its inbox
     * @param pythonPath   more folders on the runner pods' Python module path
     * @param once         stop after the files finished instead of staying up
     * @param startedMillis when {@code make demo} started (epoch ms), for the time to the first file
     */
    public record Options(Path repository, Path stateDir, Path toml, String pipelineName, String prefix,
            List<Path> files, List<Path> pythonPath, boolean once, long startedMillis) {

        /** The example: {@code examples/csv/pipeline.toml} as pipeline {@code csv}, with every CSV beside it. */
        public static Options example(Path repository, Path stateDir, boolean once) throws IOException {
            Path csv = repository.resolve("examples/csv");
            List<Path> files;
            try (var list = Files.list(csv)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
            }
            return new Options(repository, stateDir, csv.resolve("pipeline.toml"), "csv", "csv", files, List.of(),
                    once, System.currentTimeMillis());
        }
    }

    /** How each dropped file ended, by EtlFile name (files not final within the deadline included). */
    public record Outcome(int dropped, Map<String, EtlFile> files) {
        public boolean allSucceeded() {
            return files.size() == dropped && files.values().stream().allMatch(f -> phase(f) == FilePhase.Succeeded);
        }

        /** One line per file that did not succeed: its name, phase, reason and message. */
        public List<String> failures() {
            var lines = new ArrayList<String>();
            files.values().stream().filter(f -> phase(f) != FilePhase.Succeeded).forEach(f -> lines.add(
                    f.getSpec().getOriginalName() + " (" + f.getMetadata().getName() + "): " + phase(f)
                            + (f.getStatus() == null ? "" : " " + Optional.ofNullable(f.getStatus().getReason())
                                    .orElse("") + " " + Optional.ofNullable(f.getStatus().getMessage()).orElse(""))));
            if (files.size() < dropped) {
                lines.add((dropped - files.size()) + " dropped file(s) never became an EtlFile");
            }
            return lines;
        }
    }

    private final Options options;
    private final DemoState state;
    private final Path logs;
    private final PrintStream out;
    private final long jvmStartedMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private LocalCluster cluster;
    private ProcessNode node;
    private MinioServer minio;
    private PostgresTestServer.Database database;
    private KafkaTestServer kafka;
    private RunnerImage runnerImage;
    private int operatorPort;
    private EtlPipeline pipeline;
    private volatile boolean closed;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.state = new DemoState(options.stateDir());
        this.logs = options.stateDir().resolve("logs");
        this.out = out;
    }

    /** {@code Demo --repository DIR --state DIR [--toml F --name N --prefix P] [--files "a b"] [--pythonpath A:B]
     * [--once] [--started EPOCH_MS]}; exit 0 when (with --once) every dropped file Succeeded. */
    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        System.setProperty("castiron.demo.logs", options.stateDir().resolve("logs").toString());
        System.setProperty("logback.configurationFile", "io/castiron/etl/demo/logback-demo.xml");
        var demo = new Demo(options, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "stop the demo"));
        try {
            Outcome outcome = demo.run();
            if (options.once()) {
                demo.close();
                if (!outcome.allSucceeded()) {
                    System.err.println("make demo: not every file succeeded:");
                    outcome.failures().forEach(line -> System.err.println("  " + line));
                }
                System.exit(outcome.allSucceeded() ? 0 : 1);
            }
            demo.followUntilStopped();
        } catch (Exception e) {
            System.err.println("make demo failed: " + e.getMessage());
            System.err.println("logs: " + options.stateDir().resolve("logs"));
            demo.close();
            System.exit(1);
        }
    }

    static Options parse(String[] args) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        boolean once = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--once")) {
                once = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                values.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path repository = Path.of(values.getOrDefault("repository", ".")).toAbsolutePath().normalize();
        Path stateDir = Path.of(values.getOrDefault("state", "target/demo")).toAbsolutePath().normalize();
        Options example = Options.example(repository, stateDir, once);
        String toml = values.getOrDefault("toml", "");
        List<Path> pythonPath = words(values.getOrDefault("pythonpath", "").replace(':', ' '));
        long started = Long.parseLong(values.getOrDefault("started", Long.toString(System.currentTimeMillis())));
        if (toml.isBlank()) {
            List<Path> files = values.containsKey("files") ? words(values.get("files")) : example.files();
            return new Options(repository, stateDir, example.toml(), example.pipelineName(), example.prefix(), files,
                    pythonPath, once, started);
        }
        Path file = Path.of(toml).toAbsolutePath();
        String base = file.getFileName().toString().replaceFirst("\\.toml$", "").toLowerCase()
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        String name = values.getOrDefault("name", base.isEmpty() ? "pipeline" : base);
        return new Options(repository, stateDir, file, name, values.getOrDefault("prefix", name),
                words(values.getOrDefault("files", "")), pythonPath, once, started);
    }

    private static List<Path> words(String text) {
        return text.isBlank() ? List.of()
                : java.util.Arrays.stream(text.trim().split("\\s+")).map(w -> Path.of(w).toAbsolutePath()).toList();
    }

    /** Starts everything, runs the pipeline's files through and prints what happened. */
    public Outcome run() throws Exception {
        Optional<Long> running = state.runningPid();
        if (running.isPresent() && running.get() != ProcessHandle.current().pid()) {
            throw new IllegalStateException("a demo is already running (pid " + running.get() + "): stop it with"
                    + " make demo-stop, or Ctrl-C where it runs");
        }
        pipeline = convert();
        resetStateDir();
        state.writePid();
        progress("starting the control plane, MinIO, PostgreSQL, Kafka and the runner image (logs: " + logs + ")");
        startInParallel();
        progress("control plane at " + cluster.url() + "; MinIO at " + minio.endpoint() + "; PostgreSQL at "
                + database.jdbcUrl() + "; Kafka at " + kafka.bootstrapServers());
        Path crds = options.repository().resolve("crds");
        cluster.run("kubectl", "apply", "-f", crds.toString());
        cluster.run("kubectl", "wait", "--for=condition=Established", "--timeout=60s", "-f", crds.toString());
        node = new ProcessNode(cluster, this::image, options.stateDir().resolve("pods"), logs.resolve("pods")).start();
        installChart();
        awaitOperator();
        applyPipeline();
        int dropped = dropFiles(options.files());
        Outcome outcome = follow(dropped);
        printRows();
        printMessages();
        writeState();
        if (!options.once()) {
            printGuide();
        }
        return outcome;
    }

    /** The pipeline from the TOML, checked before anything starts (a bad file fails in a second). */
    private EtlPipeline convert() throws IOException {
        PipelineConfig config = PipelineToml.decode(Files.readString(options.toml()), options.toml().toString());
        config.warnings().forEach(w -> out.println("warning: " + w));
        config.spec().setBucket(io.castiron.etl.api.v1alpha1.EtlPipelineSpec.DEFAULT_BUCKET);
        config.spec().setPrefix(options.prefix());
        var problems = io.castiron.etl.api.v1alpha1.PipelineValidation.problems(config.spec());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(options.toml() + ": " + String.join("; ", problems));
        }
        for (Path file : options.files()) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file to drop: " + file);
            }
        }
        return config.toResource(options.pipelineName(), NAMESPACE);
    }

    /** A second demo starts clean: the previous one's cluster, MinIO data and logs go. */
    private void resetStateDir() throws IOException {
        if (Files.isDirectory(options.stateDir())) {
            try (var files = Files.walk(options.stateDir())) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(options.stateDir()))
                        .forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(logs);
    }

    private void startInParallel() throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(4);
        try {
            Path tools = ClusterTools.dir();
            Future<LocalCluster> clusterStart = starters.submit(() -> LocalCluster.start(tools,
                    options.stateDir().resolve("cluster"), logs.resolve("cluster")));
            Future<MinioServer> minioStart = starters.submit(() -> MinioServer.start(tools,
                    options.stateDir().resolve("minio"), logs.resolve("minio.log")));
            Future<PostgresTestServer.Database> postgresStart = starters.submit(
                    () -> PostgresTestServer.shared().newEmptyDatabase());
            Future<KafkaTestServer> kafkaStart = starters.submit((Callable<KafkaTestServer>) KafkaTestServer::shared);
            Future<RunnerImage> runnerStart = starters.submit(() -> RunnerImage.install(options.repository(),
                    options.stateDir().resolve("runner-image"), logs, options.pythonPath()));
            operatorPort = Loopback.freePort();
            // Each is kept as soon as it is up, so that close() stops it even when another failed.
            cluster = get(clusterStart);
            minio = get(minioStart);
            database = get(postgresStart);
            kafka = get(kafkaStart);
            runnerImage = get(runnerStart);
        } finally {
            starters.shutdown();
        }
    }

    private static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * The process node's images: the operator image is the packaged Quarkus application, as the operator image's
     * entrypoint starts it (C1 only; the heap within the chart's memory limit), on a port of its own since every pod
     * shares loopback; the runner image is {@link RunnerImage}.
     */
    private Optional<ProcessNode.Image> image(String reference) {
        if (reference.equals(OPERATOR_IMAGE)) {
            Path jar = options.repository().resolve("operator/target/quarkus-app/quarkus-run.jar");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return Optional.of(new ProcessNode.Image(
                    List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx384m", "-jar", jar.toString()),
                    Map.of("QUARKUS_HTTP_PORT", Integer.toString(operatorPort),
                            "JAVA_HOME", System.getProperty("java.home"))));
        }
        if (reference.equals(RUNNER_IMAGE)) {
            return Optional.of(new ProcessNode.Image(runnerImage.command(), runnerImage.env));
        }
        return Optional.empty();
    }

    /** helm install of the chart with the demo's values: its Deployment runs the operator on the process node. */
    private void installChart() throws IOException {
        Settings settings = settings();
        Path values = options.stateDir().resolve("values.yaml");
        Files.writeString(values, """
                # make demo's values for helm/castiron-etl (dev credentials: the chart makes the Secret)
                operator:
                  image: {repository: %s, tag: %s}
                s3:
                  endpoint: "%s"
                postgres:
                  url: "%s"
                kafka:
                  bootstrapServers: "%s"
                credentials:
                  create: true
                  s3AccessKey: "%s"
                  s3SecretKey: "%s"
                  postgresUser: "%s"
                  postgresPassword: "%s"
                runner:
                  image: {repository: %s, tag: %s}
                """.formatted(repository(OPERATOR_IMAGE), tag(OPERATOR_IMAGE), settings.s3Endpoint(),
                database.jdbcUrl(), kafka.bootstrapServers(), settings.s3AccessKey(), settings.s3SecretKey(),
                settings.postgresUser(), settings.postgresPassword(), repository(RUNNER_IMAGE), tag(RUNNER_IMAGE)));
        Path chart = options.repository().resolve("helm/castiron-etl");
        cluster.run("helm", "install", RELEASE, chart.toString(), "--namespace", NAMESPACE, "--create-namespace",
                "-f", values.toString());
        progress("helm installed " + chart + " as release " + RELEASE + " in namespace " + NAMESPACE + " (values: "
                + values + ")");
    }

    private static String repository(String image) {
        return image.substring(0, image.indexOf(':'));
    }

    private static String tag(String image) {
        return image.substring(image.indexOf(':') + 1);
    }

    private Settings settings() {
        var env = new TreeMap<String, String>();
        env.put(Settings.S3_ENDPOINT, minio.endpoint());
        env.put(Settings.S3_ACCESS_KEY, MinioServer.ACCESS_KEY);
        env.put(Settings.S3_SECRET_KEY, MinioServer.SECRET_KEY);
        env.putAll(PostgresTestServer.shared().settingsEnv(database));
        env.putAll(kafka.settingsEnv());
        return Settings.from(env);
    }

    /**
     * Waits for the chart's operator Deployment to be available (its pod made by the ReplicaSet controller, bound and
     * started by the process node), then for the pod's own probes: the process node runs none, so the demo asks the
     * startup, readiness and liveness paths the Deployment names, on the operator's port.
     */
    private void awaitOperator() {
        KubernetesClient admin = cluster.admin();
        var deployment = admin.apps().deployments().inNamespace(NAMESPACE).withName(RELEASE + "-operator");
        await("the operator Deployment to be available", () -> {
            Deployment d = deployment.get();
            Integer available = d.getStatus() == null ? null : d.getStatus().getAvailableReplicas();
            return available != null && available >= 1;
        });
        var container = deployment.get().getSpec().getTemplate().getSpec().getContainers().get(0);
        for (Probe probe : List.of(container.getStartupProbe(), container.getReadinessProbe(),
                container.getLivenessProbe())) {
            HTTPGetAction get = probe.getHttpGet();
            String url = "http://" + ProcessNode.ADDRESS + ":" + operatorPort + get.getPath();
            await("the operator to answer " + get.getPath() + " with 200 (log: " + operatorLog() + ")",
                    () -> Loopback.answers200(url));
        }
        progress("operator pod " + operatorPod().getMetadata().getName() + " ready (probes "
                + container.getStartupProbe().getHttpGet().getPath() + ", "
                + container.getReadinessProbe().getHttpGet().getPath() + ", "
                + container.getLivenessProbe().getHttpGet().getPath() + " answer 200 on port " + operatorPort + ")");
    }

    private Pod operatorPod() {
        return cluster.admin().pods().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(p -> p.getSpec().getContainers().get(0).getImage().equals(OPERATOR_IMAGE)
                        && p.getMetadata().getDeletionTimestamp() == null)
                .findFirst().orElseThrow(() -> new IllegalStateException("no operator pod in " + NAMESPACE));
    }

    private Path operatorLog() {
        try {
            return node.logFile(NAMESPACE, operatorPod().getMetadata().getName());
        } catch (IllegalStateException e) {
            return logs.resolve("pods");
        }
    }

    /** kubectl apply of the converted pipeline (the YAML make convert prints), then waits until it is Ready. */
    private void applyPipeline() throws IOException {
        Path yaml = options.stateDir().resolve(options.pipelineName() + ".yaml");
        Files.writeString(yaml, ConvertCommand.toYaml(pipeline));
        cluster.run("kubectl", "apply", "-f", yaml.toString());
        var resource = cluster.admin().resources(EtlPipeline.class).inNamespace(NAMESPACE)
                .withName(options.pipelineName());
        await("pipeline " + options.pipelineName() + " to be Ready (kubectl describe etlp " + options.pipelineName()
                + ")", () -> {
                    EtlPipeline p = resource.get();
                    return p != null && p.getStatus() != null && p.getStatus().getConditions() != null
                            && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals(
                                    EtlPipelineStatus.CONDITION_READY) && c.getStatus().equals("True"));
                });
        progress("pipeline " + options.pipelineName() + " (from " + options.toml() + ") is Ready; it watches s3://"
                + layout().bucket() + "/" + layout().inboxDir());
    }

    private StageLayout layout() {
        return StageLayout.of(pipeline.getSpec());
    }

    private int dropFiles(List<Path> files) throws Exception {
        var client = MinioClient.builder().endpoint("http://" + minio.endpoint())
                .credentials(MinioServer.ACCESS_KEY, MinioServer.SECRET_KEY).build();
        for (Path file : files) {
            String key = layout().inboxKey(file.getFileName().toString());
            client.uploadObject(UploadObjectArgs.builder().bucket(layout().bucket()).object(key)
                    .filename(file.toString()).build());
            progress("dropped " + options.repository().relativize(file.toAbsolutePath()) + " as s3://"
                    + layout().bucket() + "/" + key);
        }
        return files.size();
    }

    /**
     * Prints {@code kubectl get etlfiles} whenever a file's phase or progress changes, until every dropped file is
     * final (or the deadline passes).
     */
    private Outcome follow(int dropped) {
        long deadline = System.nanoTime() + FILES_TIMEOUT.toNanos();
        Map<String, EtlFile> files = Map.of();
        String shown = "";
        boolean firstSucceeded = false;
        while (!closed && System.nanoTime() < deadline) {
            files = pipelineFiles();
            String now = snapshot(files.values());
            if (!now.equals(shown)) {
                shown = now;
                progress("kubectl get etlfiles");
                out.print(indent(cluster.run("kubectl", "get", "etlfiles", "-n", NAMESPACE)));
            }
            if (!firstSucceeded && files.values().stream().anyMatch(f -> phase(f) == FilePhase.Succeeded)) {
                firstSucceeded = true;
                long now1 = System.currentTimeMillis();
                progress(String.format("first file Succeeded: %.1f s after make demo started, %.1f s after the demo's"
                        + " JVM started", (now1 - options.startedMillis()) / 1000.0,
                        (now1 - jvmStartedMillis) / 1000.0));
            }
            if (files.size() >= dropped && files.values().stream().allMatch(f -> phase(f).isFinal())) {
                break;
            }
            sleep(POLL);
        }
        return new Outcome(dropped, files);
    }

    private Map<String, EtlFile> pipelineFiles() {
        return cluster.admin().resources(EtlFile.class).inNamespace(NAMESPACE).list().getItems().stream()
                .filter(f -> options.pipelineName().equals(f.getSpec().getPipeline()))
                .collect(Collectors.toMap(f -> f.getMetadata().getName(), f -> f, (a, b) -> a, TreeMap::new));
    }

    private static String snapshot(java.util.Collection<EtlFile> files) {
        return files.stream().map(f -> f.getMetadata().getName() + "=" + phase(f) + "/"
                + (f.getStatus() == null ? "" : f.getStatus().getProgress())).sorted()
                .collect(Collectors.joining(","));
    }

    static FilePhase phase(EtlFile f) {
        return f.getStatus() == null || f.getStatus().getPhase() == null ? FilePhase.Pending
                : f.getStatus().getPhase();
    }

    private void printRows() throws SQLException {
        progress("PostgreSQL, table " + StatusStore.TABLE + ":");
        var table = new ArrayList<List<String>>();
        table.add(List.of("id", "original_filename", "status", "pipeline", "file_name"));
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT id, original_filename, status, pipeline, file_name"
                     + " FROM " + StatusStore.TABLE + " ORDER BY created_dt")) {
            while (rows.next()) {
                var row = new ArrayList<String>();
                for (int i = 1; i <= 5; i++) {
                    row.add(String.valueOf(rows.getString(i)));
                }
                table.add(row);
            }
        }
        out.print(indent(columns(table)));
    }

    private void printMessages() {
        String topic = settings().kafkaTopic();
        await("the operator to publish the Kafka messages in table " + EventOutbox.TABLE, this::outboxEmpty);
        var records = kafka.readAll(topic);
        progress("Kafka, topic " + topic + " (" + records.size() + " messages):");
        records.forEach(r -> out.println("    " + r.key() + "  " + r.value()));
    }

    private boolean outboxEmpty() {
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM " + EventOutbox.TABLE)) {
            return rows.next() && rows.getLong(1) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the messages in table " + EventOutbox.TABLE, e);
        }
    }

    private static String columns(List<List<String>> table) {
        int[] widths = new int[table.get(0).size()];
        table.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        var text = new StringBuilder();
        table.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                text.append(String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            text.append('\n');
        });
        return text.toString();
    }

    /** The state make drop reads: the S3 endpoint and credentials, each pipeline's inbox. */
    private void writeState() throws IOException {
        var properties = new Properties();
        properties.setProperty(DemoState.ENDPOINT, minio.endpoint());
        properties.setProperty(DemoState.ACCESS_KEY, MinioServer.ACCESS_KEY);
        properties.setProperty(DemoState.SECRET_KEY, MinioServer.SECRET_KEY);
        properties.setProperty(DemoState.PIPELINES, options.pipelineName());
        properties.setProperty(DemoState.bucketKey(options.pipelineName()), layout().bucket());
        properties.setProperty(DemoState.inboxKey(options.pipelineName()), layout().inboxDir());
        properties.setProperty("kubeconfig", cluster.adminKubeconfig().toString());
        properties.setProperty("kubectl", cluster.tools().resolve("kubectl").toString());
        properties.setProperty("namespace", NAMESPACE);
        state.write(properties);
    }

    private void printGuide() {
        Path kubectl = cluster.tools().resolve("kubectl");
        String sample = options.files().isEmpty() ? "path/to/file"
                : options.repository().relativize(options.files().get(0).toAbsolutePath()).toString();
        out.println();
        out.println("Cast-Iron ETL runs on a local Kubernetes control plane: etcd, kube-apiserver and"
                + " kube-controller-manager, the CRDs and the Helm chart as in a cluster, but pods run as local"
                + " processes on a stand-in for the kubelet. A demo, not a production runtime.");
        out.println();
        out.println("  kubectl:    export KUBECONFIG=" + cluster.adminKubeconfig());
        out.println("              " + kubectl + " -n " + NAMESPACE + " get etlp,etlf,jobs,pods");
        out.println("  watch:      " + kubectl + " -n " + NAMESPACE + " get etlf -w");
        out.println("  S3 (MinIO): http://" + minio.endpoint() + "  access key " + MinioServer.ACCESS_KEY
                + "  secret key " + MinioServer.SECRET_KEY + "  (console " + minio.consoleUrl() + ")");
        out.println("              pipeline " + options.pipelineName() + " watches s3://" + layout().bucket() + "/"
                + layout().inboxDir());
        out.println("  drop:       make drop FILE=" + sample + " [PIPELINE=" + options.pipelineName() + "]");
        out.println("  PostgreSQL: " + database.jdbcUrl() + " (user " + database.user() + ")   Kafka: "
                + kafka.bootstrapServers() + " topic " + settings().kafkaTopic());
        out.println("  logs:       operator " + operatorLog());
        out.println("              runner pods " + logs.resolve("pods") + "/" + NAMESPACE + "_<job pod>.log");
        out.println("              control plane " + logs.resolve("cluster") + ", MinIO " + logs.resolve("minio.log"));
        out.println("  stop:       Ctrl-C here, or make demo-stop");
        out.println();
        out.println("Changes to the files are printed below as they happen.");
    }

    /** After the summary: prints {@code kubectl get etlfiles} on every change, until the demo is stopped. */
    void followUntilStopped() {
        String shown = snapshot(allFiles());
        while (!closed) {
            sleep(Duration.ofMillis(500));
            try {
                String now = snapshot(allFiles());
                if (!now.equals(shown)) {
                    shown = now;
                    progress("kubectl get etlfiles");
                    out.print(indent(cluster.run("kubectl", "get", "etlfiles", "-n", NAMESPACE)));
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    out.println("cannot list the files: " + e.getMessage());
                }
            }
        }
    }

    private List<EtlFile> allFiles() {
        return cluster.admin().resources(EtlFile.class).inNamespace(NAMESPACE).list().getItems();
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            if (closed || System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting " + STEP_TIMEOUT.toSeconds() + " s for " + what);
            }
            sleep(POLL);
        }
    }

    private static void sleep(Duration time) {
        try {
            Thread.sleep(time.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void progress(String message) {
        out.printf("[%6.1f s] %s%n", (System.currentTimeMillis() - options.startedMillis()) / 1000.0, message);
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l + "\n").collect(Collectors.joining());
    }

    /** Stops what the demo started: the pods (operator and runners), the control plane, MinIO; removes its state. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        out.println("stopping the demo...");
        if (node != null) {
            node.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (minio != null) {
            try {
                minio.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            state.clear();
        } catch (IOException e) {
            out.println("cannot remove " + state.propertiesFile() + ": " + e.getMessage());
        }
        out.println("demo stopped");
    }
}

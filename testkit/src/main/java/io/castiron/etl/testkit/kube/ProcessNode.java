package io.castiron.etl.testkit.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The kubelet's stand-in for the local control plane, for tests and {@code make demo} only: one Ready node that
 * binds every pending pod to itself (there is no scheduler) and runs each pod's container as a local process.
 * <ul>
 * <li>An image becomes a command through the {@code images} mapping; an image it does not know stays waiting with
 * reason {@code ErrImagePull}, as on a real node that cannot pull it.</li>
 * <li>The environment is the pod spec's ({@link PodEnvironment}); a missing Secret or key is
 * {@code CreateContainerConfigError}. {@code KUBERNETES_SERVICE_HOST}/{@code _PORT} point at the API server.</li>
 * <li>A mounted service-account token is requested from the TokenRequest API, bound to the pod, and written with
 * the cluster's CA into the pod's directory; the Fabric8 variables naming those files
 * ({@code KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN}, {@code KUBERNETES_CERTS_CA_FILE}) are set, since a process cannot
 * see {@code /var/run/secrets}. An {@code emptyDir} mounted at {@code /tmp} becomes the pod's {@code TMPDIR}.</li>
 * <li>Each pod gets a private directory ({@code work/} is its working directory) and a log file,
 * {@code <logs>/<namespace>_<pod>.log}.</li>
 * <li>Status as a kubelet writes it: Running, then {@code state.terminated} with the exit code and phase
 * Succeeded/Failed; {@code restartPolicy} Always/OnFailure restarts with the kubelet's back-off (10 s doubling, at
 * most 5 min). A deleted pod gets SIGTERM, its grace period, then SIGKILL, and is then removed.</li>
 * </ul>
 * Not emulated: probes (a running container is ready), resource limits, other volumes, several containers per pod.
 */
public final class ProcessNode implements AutoCloseable {
    public static final String NAME = "process-node";
    /** The node's address, and every pod's: all run on loopback. */
    public static final String ADDRESS = "127.0.0.1";
    private static final Duration TOKEN_VALIDITY = Duration.ofHours(1);
    private static final Duration CONFIG_RETRY = Duration.ofSeconds(2);

    /** What runs for an image: its command and the environment the image itself sets. */
    public record Image(List<String> command, Map<String, String> env) {
    }

    private final LocalCluster cluster;
    private final KubernetesClient client;
    private final Function<String, Optional<Image>> images;
    private final Path dir;
    private final Path logs;
    private final PodEnvironment environment;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "process-node-pod");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, PodRun> pods = new ConcurrentHashMap<>();
    private final Map<String, Integer> runningByNamespace = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxRunningByNamespace = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;
    private volatile boolean closed;

    /**
     * @param images maps an image reference to what runs for it (empty: the image cannot be pulled)
     * @param dir    where the pods' directories go
     * @param logs   where the pods' log files go
     */
    public ProcessNode(LocalCluster cluster, Function<String, Optional<Image>> images, Path dir, Path logs) {
        this.cluster = cluster;
        this.client = cluster.admin();
        this.images = images;
        this.dir = dir;
        this.logs = logs;
        this.environment = new PodEnvironment(client);
    }

    /** Registers the node and starts binding and running pods. */
    public ProcessNode start() throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(logs);
        register();
        informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                handle(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                handle(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                PodRun run = pods.remove(pod.getMetadata().getUid());
                if (run != null) {
                    run.removed();
                }
            }
        });
        return this;
    }

    private void register() {
        String now = now();
        Node node = new NodeBuilder().withNewMetadata().withName(NAME)
                .addToLabels("kubernetes.io/hostname", NAME).addToLabels("kubernetes.io/os", "linux")
                .endMetadata().build();
        if (client.nodes().withName(NAME).get() == null) {
            client.nodes().resource(node).create();
        }
        Map<String, Quantity> capacity = Map.of(
                "cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())),
                "memory", new Quantity(Long.toString(memoryBytes())),
                "pods", new Quantity("110"));
        var status = new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("ProcessNodeReady")
                .withMessage("the process node runs pods as local processes")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .addNewAddress().withType("InternalIP").withAddress(ADDRESS).endAddress()
                .addNewAddress().withType("Hostname").withAddress(NAME).endAddress()
                .withNewNodeInfo().withOperatingSystem("linux").withArchitecture(System.getProperty("os.arch"))
                .withKubeletVersion("process-node").withContainerRuntimeVersion("process://local")
                .withKernelVersion(System.getProperty("os.version")).withOsImage("local processes")
                .withMachineID("").withSystemUUID("").withBootID("").withKubeProxyVersion("")
                .endNodeInfo().build();
        client.nodes().withName(NAME).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("status", status)));
    }

    private void handle(Pod pod) {
        if (closed) {
            return;
        }
        String nodeName = pod.getSpec().getNodeName();
        if (nodeName == null || nodeName.isEmpty()) {
            bind(pod);
        } else if (nodeName.equals(NAME)) {
            // A pod runs here once: its PodRun stays until the pod is gone, so a late event never starts it again.
            PodRun run = pods.get(pod.getMetadata().getUid());
            if (run == null && !isFinished(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
                PodRun fresh = new PodRun(pod);
                if (pods.putIfAbsent(pod.getMetadata().getUid(), fresh) == null) {
                    threads.submit(fresh::run);
                }
            } else if (run != null) {
                run.updated(pod);
            } else if (pod.getMetadata().getDeletionTimestamp() != null) {
                deleteNow(pod); // finished before this node started: nothing to stop
            }
        }
    }

    private void bind(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        try {
            client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder()
                    .withNewMetadata().withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                    .endMetadata()
                    .withNewTarget().withApiVersion("v1").withKind("Node").withName(NAME).endTarget()
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404) { // already bound, or gone
                System.err.println("process node: cannot bind pod " + key(pod) + ": " + e.getMessage());
            }
        }
    }

    private static boolean isFinished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** How many containers of the namespace run now: started, and not yet exited and waited for. */
    public int running(String namespace) {
        return runningByNamespace.getOrDefault(namespace, 0);
    }

    /** The most containers of the namespace that ever ran at once. */
    public int maxRunning(String namespace) {
        return maxRunningByNamespace.getOrDefault(namespace, 0);
    }

    /** The log file of a pod's container (all its restarts). */
    public Path logFile(String namespace, String pod) {
        return logs.resolve(namespace + "_" + pod + ".log");
    }

    static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private void deleteNow(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                System.err.println("process node: cannot remove pod " + key(pod) + ": " + e.getMessage());
            }
        }
    }

    /** One pod's life on this node, on a thread of its own: start, watch, restart, stop. */
    private final class PodRun {
        private final Object lock = new Object();
        private volatile Pod pod;
        private volatile Process process;
        private volatile boolean removed;
        private volatile boolean finished;
        private int restarts;
        private String startedAt;
        private ContainerState lastState;
        /** Where the pod's service-account token is, and when it was written (null: no token mounted). */
        private Path accountDir;
        private long tokenWrittenAt;

        PodRun(Pod pod) {
            this.pod = pod;
        }

        void updated(Pod newer) {
            synchronized (lock) {
                pod = newer;
                lock.notifyAll();
            }
            if (finished && newer.getMetadata().getDeletionTimestamp() != null) {
                deleteNow(newer);
            }
        }

        void removed() {
            synchronized (lock) {
                removed = true;
                lock.notifyAll();
            }
            Process p = process;
            if (p != null) {
                try {
                    GuardedProcesses.killGroup(p); // deleted with no grace: nothing waits for it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private boolean deleting() {
            return removed || closed || pod.getMetadata().getDeletionTimestamp() != null;
        }

        /** Waits until the pod is being deleted or the time is up; true when it is being deleted. */
        private boolean awaitDeletion(Duration time) throws InterruptedException {
            long deadline = System.nanoTime() + time.toNanos();
            synchronized (lock) {
                while (!deleting()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            }
            return true;
        }

        void run() {
            var container = pod.getSpec().getContainers().get(0);
            try {
                Path home = Files.createDirectories(dir.resolve(pod.getMetadata().getNamespace() + "_"
                        + pod.getMetadata().getName() + "_" + pod.getMetadata().getUid()));
                while (!deleting()) {
                    Optional<Image> image = images.apply(container.getImage());
                    if (image.isEmpty()) {
                        waiting("ErrImagePull", "the process node has no command for image \"" + container.getImage()
                                + "\"");
                        awaitDeletion(Duration.ofDays(365));
                        break;
                    }
                    Map<String, String> env;
                    try {
                        env = environment.resolve(pod, container, podEnvironment(home, image.get()));
                    } catch (PodEnvironment.ConfigError e) {
                        waiting("CreateContainerConfigError", e.getMessage());
                        awaitDeletion(CONFIG_RETRY);
                        continue;
                    }
                    int code = runContainer(home, image.get(), env);
                    boolean deleted = deleting();
                    boolean restart = !deleted && switch (String.valueOf(pod.getSpec().getRestartPolicy())) {
                        case "Never" -> false;
                        case "OnFailure" -> code != 0;
                        default -> true;
                    };
                    terminated(code, restart ? null : code == 0 ? "Succeeded" : "Failed");
                    if (!restart) {
                        break;
                    }
                    restarts++;
                    Duration backoff = Duration.ofSeconds(Math.min(300, 10L << Math.min(restarts - 1, 5)));
                    waiting("CrashLoopBackOff", "back-off " + backoff.toSeconds() + "s restarting failed container="
                            + container.getName() + " pod=" + pod.getMetadata().getName());
                    awaitDeletion(backoff);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                if (!closed) { // once the node is closed, its client may be too: nothing to report
                    System.err.println("process node: pod " + key(pod) + ": " + e);
                }
            } finally {
                finished = true;
                if (deleting() && !removed && !closed) {
                    deleteNow(pod);
                }
            }
        }

        /** What every container here gets besides its spec's env: the image's, the API server's, the pod's files. */
        private Map<String, String> podEnvironment(Path home, Image image) throws IOException {
            var env = new HashMap<>(image.env());
            env.put("HOME", Files.createDirectories(home.resolve("home")).toString());
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
            env.put("HOSTNAME", pod.getMetadata().getName());
            env.put("KUBERNETES_SERVICE_HOST", ADDRESS);
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(cluster.port()));
            env.put("KUBERNETES_SERVICE_PORT_HTTPS", Integer.toString(cluster.port()));
            env.put("KUBERNETES_PORT", "tcp://" + ADDRESS + ":" + cluster.port());
            boolean tmpVolume = pod.getSpec().getContainers().get(0).getVolumeMounts().stream()
                    .anyMatch(m -> m.getMountPath().equals("/tmp"));
            if (tmpVolume) {
                env.put("TMPDIR", Files.createDirectories(home.resolve("tmp")).toString());
            }
            if (!Boolean.FALSE.equals(pod.getSpec().getAutomountServiceAccountToken())
                    && pod.getSpec().getServiceAccountName() != null) {
                accountDir = Files.createDirectories(home.resolve("serviceaccount"));
                writeToken(accountDir);
                Files.copy(cluster.caFile(), accountDir.resolve("ca.crt"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(accountDir.resolve("namespace"), pod.getMetadata().getNamespace());
                env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", accountDir.resolve("token").toString());
                env.put("KUBERNETES_CERTS_CA_FILE", accountDir.resolve("ca.crt").toString());
                env.put("KUBERNETES_NAMESPACE_FILE", accountDir.resolve("namespace").toString());
            }
            return env;
        }

        /** As a kubelet does at 80% of a projected token's life: a demo may run for hours, the token for one. */
        private void refreshTokenIfOld() {
            long refreshAfter = TOKEN_VALIDITY.toNanos() * 8 / 10;
            if (accountDir == null || System.nanoTime() - tokenWrittenAt < refreshAfter) {
                return;
            }
            try {
                writeToken(accountDir);
            } catch (IOException | KubernetesClientException e) {
                // the old token is still valid for a while: try again in a minute
                tokenWrittenAt = System.nanoTime() - refreshAfter + Duration.ofMinutes(1).toNanos();
                System.err.println("process node: cannot refresh the token of pod " + key(pod) + ": " + e);
            }
        }

        /** The pod's projected token: its service account's, bound to the pod (invalid once the pod is gone). */
        private void writeToken(Path accountDir) throws IOException {
            var request = new TokenRequestBuilder().withNewSpec().withAudiences(LocalCluster.ISSUER)
                    .withExpirationSeconds(TOKEN_VALIDITY.toSeconds())
                    .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                    .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                    .endBoundObjectRef().endSpec().build();
            String token = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getSpec().getServiceAccountName()).tokenRequest(request).getStatus().getToken();
            Files.writeString(accountDir.resolve("token"), token);
            tokenWrittenAt = System.nanoTime();
        }

        /** Starts the container, reports it running, and waits for it to exit, or stops it when the pod goes. */
        private int runContainer(Path home, Image image, Map<String, String> env)
                throws IOException, InterruptedException {
            var command = new ArrayList<>(image.command());
            var container = pod.getSpec().getContainers().get(0);
            if (container.getCommand() != null && !container.getCommand().isEmpty()) {
                throw new IOException("container " + container.getName() + " overrides its image's command ("
                        + container.getCommand() + "): the process node runs images' own commands only");
            }
            if (container.getArgs() != null) {
                container.getArgs().forEach(a -> command.add(PodEnvironment.expand(a, env)));
            }
            var builder = new ProcessBuilder(command)
                    .directory(Files.createDirectories(home.resolve("work")).toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            logFile(pod.getMetadata().getNamespace(), pod.getMetadata().getName()).toFile()));
            builder.environment().clear();
            builder.environment().putAll(env);
            long grace = pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30
                    : pod.getSpec().getTerminationGracePeriodSeconds();
            process = GuardedProcesses.start(builder, Duration.ofSeconds(grace));
            startedAt = now();
            String namespace = pod.getMetadata().getNamespace();
            int now = runningByNamespace.merge(namespace, 1, Integer::sum);
            maxRunningByNamespace.merge(namespace, now, Math::max);
            try {
                running();
                while (process.isAlive()) {
                    refreshTokenIfOld();
                    if (awaitDeletion(Duration.ofMillis(200))) {
                        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
                        process.destroy(); // SIGTERM to the container's processes; the guard kills after its grace
                        if (!process.waitFor(seconds == null ? grace : seconds, TimeUnit.SECONDS)) {
                            GuardedProcesses.killGroup(process);
                        }
                    }
                }
                return process.waitFor();
            } finally {
                runningByNamespace.merge(namespace, -1, Integer::sum);
            }
        }

        private void waiting(String reason, String message) {
            writeStatus("Pending", new ContainerStateBuilder().withNewWaiting().withReason(reason)
                    .withMessage(message).endWaiting().build(), false);
        }

        private void running() {
            writeStatus("Running", new ContainerStateBuilder().withNewRunning().withStartedAt(startedAt)
                    .endRunning().build(), true);
        }

        private void terminated(int code, String finalPhase) {
            ContainerState state = new ContainerStateBuilder().withNewTerminated().withExitCode(code)
                    .withReason(code == 0 ? "Completed" : "Error").withStartedAt(startedAt)
                    .withFinishedAt(now()).withContainerID("process://" + process.pid()).endTerminated().build();
            writeStatus(finalPhase == null ? "Running" : finalPhase, state, false);
            lastState = state;
        }

        /** A strategic merge patch of the pod's status, as a kubelet sends (conditions merge by type). */
        private void writeStatus(String phase, ContainerState state, boolean ready) {
            var container = pod.getSpec().getContainers().get(0);
            ContainerStatus status = new ContainerStatusBuilder().withName(container.getName())
                    .withImage(container.getImage()).withImageID("process://" + container.getImage())
                    .withReady(ready).withStarted(state.getRunning() != null).withRestartCount(restarts)
                    .withState(state).withLastState(lastState == null ? new ContainerState() : lastState)
                    .withContainerID(process == null ? null : "process://" + process.pid())
                    .build();
            String readiness = ready ? "True" : "False";
            boolean done = phase.equals("Succeeded") || phase.equals("Failed");
            List<PodCondition> conditions = List.of(
                    condition("Initialized", "True", null),
                    condition("ContainersReady", readiness, done ? "PodCompleted" : null),
                    condition("Ready", readiness, done ? "PodCompleted" : null));
            var body = new HashMap<String, Object>();
            body.put("phase", phase);
            body.put("hostIP", ADDRESS);
            body.put("podIP", ADDRESS);
            body.put("hostIPs", List.of(Map.of("ip", ADDRESS)));
            body.put("podIPs", List.of(Map.of("ip", ADDRESS)));
            body.put("startTime", pod.getStatus() != null && pod.getStatus().getStartTime() != null
                    ? pod.getStatus().getStartTime() : now());
            body.put("conditions", conditions);
            body.put("containerStatuses", List.of(status));
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                                Serialization.asJson(Map.of("status", body)));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    System.err.println("process node: cannot write the status of pod " + key(pod) + ": "
                            + e.getMessage());
                }
            }
        }

        private PodCondition condition(String type, String status, String reason) {
            return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason)
                    .withLastTransitionTime(now()).build();
        }
    }

    /** Stops every pod's processes (SIGTERM, then SIGKILL after a few seconds) and the informer. */
    @Override
    public void close() {
        closed = true;
        if (informer != null) {
            informer.close();
        }
        for (PodRun run : pods.values()) {
            Process p = run.process;
            if (p != null) {
                try {
                    GuardedProcesses.stop(p, Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        threads.shutdownNow();
    }
}

package io.castiron.etl.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.CredentialsSecret;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.operator.helm.OperatorPermissions.Need;
import io.castiron.etl.operator.job.JobFactory;
import io.castiron.etl.operator.job.RunnerDefaults;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The Helm charts, linted and rendered in-process (helm-java): what they install parses as Kubernetes objects,
 * ships the CRDs of crds/, grants exactly {@link OperatorPermissions}, and never puts a credential in plain text.
 */
class HelmChartTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CHART = ROOT.resolve("helm/castiron-etl");
    private static final Path DEV_STACK = ROOT.resolve("helm/dev-stack");
    private static final Path KIND_VALUES = ROOT.resolve("helm/kind-values.yaml");
    private static final Path ALL_OPTIONS = Path.of("src/test/resources/helm/castiron-etl-all-options.yaml");
    private static final Path DEV_STACK_ALL_OPTIONS = Path.of("src/test/resources/helm/dev-stack-all-options.yaml");
    private static final String NS = "etl-system";
    private static final String KUBE_VERSION = "1.31.0";

    /** One way to install the operator chart, rendered once per test that needs it. */
    private record Variant(String name, Optional<Path> valuesFile, Map<String, Object> sets) {
        List<HasMetadata> render() {
            var template = template(CHART, "castiron-etl");
            valuesFile.ifPresent(template::withValuesFile);
            sets.forEach(template::set);
            return parse(template.call());
        }

        Set<String> jobNamespaces() {
            Set<String> all = new TreeSet<>(List.of(NS));
            if (valuesFile.equals(Optional.of(ALL_OPTIONS))) {
                all.addAll(List.of("team-a", "team-b"));
            }
            return all;
        }

        boolean allNamespaces() {
            return Boolean.TRUE.equals(sets.get("watchAllNamespaces"));
        }
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("defaults", Optional.empty(), Map.of()),
            new Variant("kind", Optional.of(KIND_VALUES), Map.of()),
            new Variant("all options, namespaces team-a and team-b", Optional.of(ALL_OPTIONS), Map.of()),
            new Variant("all options, all namespaces", Optional.of(ALL_OPTIONS), Map.of("watchAllNamespaces", true)));

    @Test
    void bothChartsLintCleanWithDefaultValuesAndWithEveryOptionSet(@TempDir Path tmp) throws IOException {
        assertLintsClean(CHART);
        assertLintsClean(DEV_STACK);
        // helm lint reads the chart's own values.yaml: lint copies whose values.yaml sets every option
        assertLintsClean(copyWithValues(CHART, ALL_OPTIONS, tmp.resolve("castiron-etl")));
        assertLintsClean(copyWithValues(DEV_STACK, DEV_STACK_ALL_OPTIONS, tmp.resolve("dev-stack")));
    }

    @Test
    void allOptionsFilesSetEveryValueOfTheCharts() {
        assertSetsEveryValue(read(ALL_OPTIONS), read(CHART.resolve("values.yaml")));
        assertSetsEveryValue(read(DEV_STACK_ALL_OPTIONS), read(DEV_STACK.resolve("values.yaml")));
    }

    @Test
    void everyRenderedDocumentIsAKubernetesObjectWithANameAndNamespace() {
        var renders = new LinkedHashMap<String, List<HasMetadata>>();
        VARIANTS.forEach(v -> renders.put(v.name(), v.render()));
        renders.put("dev-stack defaults", parse(template(DEV_STACK, "dev").call()));
        renders.put("dev-stack all options", parse(template(DEV_STACK, "dev")
                .withValuesFile(DEV_STACK_ALL_OPTIONS).call()));

        renders.forEach((variant, objects) -> {
            assertThat(objects).as(variant).isNotEmpty();
            for (HasMetadata o : objects) {
                String what = variant + ": " + o.getKind() + " " + o.getMetadata().getName();
                assertThat(o).as(what + " is a known Kubernetes type").isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(o.getMetadata().getName()).as(what).isNotBlank();
                boolean clusterScoped = o instanceof ClusterRole || o instanceof ClusterRoleBinding
                        || o instanceof CustomResourceDefinition;
                if (!clusterScoped) {
                    assertThat(o.getMetadata().getNamespace()).as(what + " has a namespace").isNotBlank();
                }
            }
        });
        assertThat(kinds(renders.get("dev-stack defaults"))).contains("Deployment/minio", "Service/minio",
                "Deployment/postgres", "Service/postgres", "Deployment/kafka", "Service/kafka");
    }

    @Test
    void chartShipsTheCrdsOfTheCrdsFolderUnchanged() throws IOException {
        Map<String, String> expected = filesIn(ROOT.resolve("crds"));
        assertThat(expected).as("crds/").isNotEmpty();
        assertThat(filesIn(CHART.resolve("crds"))).as("helm/castiron-etl/crds/ (make crds copies crds/ there)")
                .isEqualTo(expected);

        // helm installs crds/ before the templates (helm template leaves them out): they must be the two CRDs
        List<HasMetadata> shipped = new ArrayList<>();
        for (String content : filesIn(CHART.resolve("crds")).values()) {
            shipped.addAll(parse(content));
        }
        assertThat(shipped).allMatch(CustomResourceDefinition.class::isInstance)
                .extracting(c -> ((CustomResourceDefinition) c).getSpec().getNames().getPlural())
                .containsExactlyInAnyOrder(HasMetadata.getPlural(EtlPipeline.class), HasMetadata.getPlural(EtlFile.class));
    }

    @Test
    void operatorRbacGrantsExactlyWhatTheOperatorNeedsInEveryWatchedNamespace() {
        for (Variant variant : VARIANTS) {
            List<HasMetadata> objects = variant.render();
            String sa = deployment(objects).getSpec().getTemplate().getSpec().getServiceAccountName();
            for (String ns : variant.jobNamespaces()) {
                Set<Need> needed = new HashSet<>(OperatorPermissions.IN_WATCHED_NAMESPACES);
                if (ns.equals(NS)) {
                    needed.addAll(OperatorPermissions.IN_OPERATOR_NAMESPACE);
                }
                assertThat(grants(objects, NS, sa, ns)).as(variant.name() + ": operator in " + ns)
                        .containsExactlyInAnyOrderElementsOf(keys(needed));
            }
            assertThat(grants(objects, NS, sa, "some-other-namespace")).as(variant.name() + ": elsewhere")
                    .containsExactlyInAnyOrderElementsOf(variant.allNamespaces()
                            ? keys(OperatorPermissions.IN_WATCHED_NAMESPACES) : Set.of());
            assertThat(objects).filteredOn(o -> o instanceof ClusterRole)
                    .as(variant.name() + ": a ClusterRole only when every namespace is watched")
                    .hasSize(variant.allNamespaces() ? 1 : 0);
        }
    }

    @Test
    void runnerServiceAccountMayOnlyPatchEtlFileStatusInItsNamespace() {
        for (Variant variant : VARIANTS) {
            List<HasMetadata> objects = variant.render();
            String runnerSa = env(deployment(objects), "ETL_RUNNER_SERVICE_ACCOUNT_NAME").getValue();
            for (String ns : variant.jobNamespaces()) {
                assertThat(objects).as(variant.name() + ": runner ServiceAccount in " + ns)
                        .anyMatch(o -> o.getKind().equals("ServiceAccount") && o.getMetadata().getName().equals(runnerSa)
                                && o.getMetadata().getNamespace().equals(ns));
                assertThat(grants(objects, ns, runnerSa, ns)).as(variant.name() + ": runner in " + ns)
                        .containsExactlyInAnyOrderElementsOf(keys(OperatorPermissions.RUNNER));
                assertThat(grants(objects, ns, runnerSa, "some-other-namespace")).isEmpty();
            }
        }
    }

    @Test
    void deploymentIsHardenedProbedAndConfiguredFromValues() {
        for (Variant variant : VARIANTS) {
            Deployment d = deployment(variant.render());
            var pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            String what = variant.name();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(what).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(what).containsExactly("ALL");
            assertThat(c.getVolumeMounts()).as(what + ": writable /tmp").anyMatch(m -> m.getMountPath().equals("/tmp"));
            assertThat(c.getPorts()).as(what).anyMatch(p -> p.getContainerPort() == 8080 && "http".equals(p.getName()));
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
            assertThat(c.getResources().getRequests()).as(what).containsKeys("cpu", "memory");

            Set<String> names = c.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
            assertThat(names).as(what + ": every connection setting").containsAll(Settings.NAMES);
            assertThat(names).as(what).contains("ETL_RUNNER_IMAGE", "ETL_RUNNER_IMAGE_PULL_POLICY",
                    "ETL_RUNNER_SERVICE_ACCOUNT_NAME", "ETL_RUNNER_BACKOFF_LIMIT", "ETL_RUNNER_CREDENTIALS_SECRET",
                    "ETL_CONFIG_BUCKET_ENABLED", "ETL_CONFIG_BUCKET_POLL_INTERVAL",
                    "QUARKUS_OPERATOR_SDK_CONTROLLERS_ETLPIPELINE_NAMESPACES",
                    "QUARKUS_OPERATOR_SDK_CONTROLLERS_ETLFILE_NAMESPACES");
            String watched = variant.allNamespaces() ? "JOSDK_ALL_NAMESPACES"
                    : variant.jobNamespaces().size() == 1 ? "JOSDK_WATCH_CURRENT" : NS + ",team-a,team-b";
            assertThat(env(d, "QUARKUS_OPERATOR_SDK_CONTROLLERS_ETLPIPELINE_NAMESPACES").getValue()).as(what).isEqualTo(watched);
            assertThat(env(d, "QUARKUS_OPERATOR_SDK_CONTROLLERS_ETLFILE_NAMESPACES").getValue()).as(what).isEqualTo(watched);
        }
        Deployment all = deployment(VARIANTS.get(2).render());
        assertThat(env(all, "ETL_RUNNER_IMAGE").getValue()).isEqualTo("registry.example.com/etl/castiron-etl-runner:1.2.3");
        assertThat(env(all, "ETL_RUNNER_ACTIVE_DEADLINE_SECONDS").getValue()).isEqualTo("3600");
        assertThat(env(all, Settings.KAFKA_TOPIC).getValue()).isEqualTo("etl-status");
        assertThat(all.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/etl/castiron-etl-operator:1.2.3");
        assertThat(env(deployment(VARIANTS.get(0).render()), "ETL_RUNNER_IMAGE").getValue())
                .as("the runner image defaults to the chart's appVersion").isEqualTo("castiron-etl-runner:0.1.0");
    }

    @Test
    void credentialsReachDeploymentsAndJobsOnlyBySecretKeyRef() {
        List<String> secretValues = List.of("castiron-dev-password", "all-options-access-key", "all-options-s3-secret",
                "all-options-pg-user", "all-options-pg-password", "all-options-minio-user", "all-options-minio-password");
        var workloads = new ArrayList<Map.Entry<String, List<EnvVar>>>();
        for (Variant variant : VARIANTS) {
            List<HasMetadata> objects = variant.render();
            Deployment operator = deployment(objects);
            workloads.add(Map.entry(variant.name() + ": operator", operator.getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getEnv()));

            // The Job the operator would launch with this chart's settings (JobFactory, the code that builds it).
            Job job = jobAsConfiguredBy(operator);
            workloads.add(Map.entry(variant.name() + ": runner Job", job.getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getEnv()));

            // The credentials Secret, when the chart makes it, has every key operator and Jobs refer to.
            String secretName = env(operator, "ETL_RUNNER_CREDENTIALS_SECRET").getValue();
            objects.stream().filter(o -> o instanceof Secret && o.getMetadata().getName().equals(secretName))
                    .map(Secret.class::cast)
                    .forEach(s -> assertThat(s.getData()).as(variant.name() + ": keys of " + secretName)
                            .containsOnlyKeys(CredentialsSecret.S3_ACCESS_KEY, CredentialsSecret.S3_SECRET_KEY,
                                    CredentialsSecret.POSTGRES_USER, CredentialsSecret.POSTGRES_PASSWORD));
            Stream.of(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv(),
                            job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .flatMap(List::stream)
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .forEach(e -> {
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).as(e.getName()).isEqualTo(secretName);
                        assertThat(e.getValueFrom().getSecretKeyRef().getKey()).as(e.getName() + ": a key of the Secret")
                                .isIn(CredentialsSecret.S3_ACCESS_KEY, CredentialsSecret.S3_SECRET_KEY,
                                        CredentialsSecret.POSTGRES_USER, CredentialsSecret.POSTGRES_PASSWORD);
                    });
        }
        for (Path values : List.of(Path.of(""), DEV_STACK_ALL_OPTIONS)) {
            var template = template(DEV_STACK, "dev");
            if (!values.toString().isEmpty()) {
                template.withValuesFile(values);
            }
            parse(template.call()).stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                    .forEach(d -> d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> workloads.add(
                            Map.entry("dev-stack " + d.getMetadata().getName(), c.getEnv()))));
        }

        for (var workload : workloads) {
            for (EnvVar e : workload.getValue()) {
                String what = workload.getKey() + ", env " + e.getName();
                boolean credential = e.getName().matches(".*(PASSWORD|SECRET_KEY|ACCESS_KEY|_USER)$");
                if (credential) {
                    assertThat(e.getValue()).as(what + " is not inline").isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef()).as(what + " comes from a Secret").isNotNull();
                }
                assertThat(secretValues).as(what + " shows no secret value").noneMatch(
                        s -> e.getValue() != null && e.getValue().contains(s));
            }
        }
        assertThat(workloads).hasSizeGreaterThan(VARIANTS.size() * 2);
    }

    @Test
    void aMisspeltValueFailsTheInstall(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> template(CHART, "castiron-etl").set("watchNamespace[0]", "team-a").call())
                .as("watchNamespace instead of watchNamespaces").hasMessageContaining("watchNamespace");
        assertThatThrownBy(() -> template(CHART, "castiron-etl").set("runner.serviceAcount.create", false).call())
                .as("a typo one level down").hasMessageContaining("serviceAcount");
        assertThatThrownBy(() -> template(CHART, "castiron-etl").set("operator.replicas", "two").call())
                .as("a value of the wrong type").hasMessageContaining("replicas");

        assertThatThrownBy(() -> template(DEV_STACK, "dev").set("minio.imgae", "x").call())
                .as("the dev stack's values too").hasMessageContaining("imgae");

        Path typo = tmp.resolve("typo.yaml");
        Files.writeString(typo, "s3:\n  endpiont: https://s3.example.com\n");
        LintResult lint = new Helm(copyWithValues(CHART, typo, tmp.resolve("castiron-etl"))).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint of a values.yaml with a typo: " + lint.getMessages()).isTrue();
    }

    @Test
    void defaultEndpointsAreFullyQualifiedSoJobsInOtherNamespacesReachTheReleaseNamespacesServices() {
        Deployment operator = deployment(parse(template(CHART, "castiron-etl")
                .set("watchNamespaces[0]", "team-a").call()));
        assertThat(env(operator, Settings.S3_ENDPOINT).getValue()).isEqualTo("minio." + NS + ".svc.cluster.local:9000");
        assertThat(env(operator, Settings.POSTGRES_URL).getValue())
                .isEqualTo("jdbc:postgresql://postgres." + NS + ".svc.cluster.local:5432/etl");

        // what the operator copies into every Job, whichever namespace it runs in
        Job job = jobAsConfiguredBy(operator);
        Map<String, String> jobEnv = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(jobEnv).containsEntry(Settings.S3_ENDPOINT, "http://minio." + NS + ".svc.cluster.local:9000")
                .containsEntry(Settings.POSTGRES_URL, "jdbc:postgresql://postgres." + NS + ".svc.cluster.local:5432/etl");

        assertThat(env(deployment(parse(template(CHART, "castiron-etl").set("clusterDomain", "corp.local").call())),
                Settings.S3_ENDPOINT).getValue()).isEqualTo("minio." + NS + ".svc.corp.local:9000");
    }

    @Test
    void aBareServiceNameFailsWhenJobsRunOutsideTheReleaseNamespace() {
        assertThat(env(deployment(parse(template(CHART, "castiron-etl").set("s3.endpoint", "minio:9000").call())),
                Settings.S3_ENDPOINT).getValue()).as("only the release namespace: a bare name resolves").isEqualTo("minio:9000");

        Map<String, String> bare = Map.of("s3.endpoint", "http://minio:9000",
                "postgres.url", "jdbc:postgresql://postgres:5432/etl", "kafka.bootstrapServers", "kafka.ns.svc:9092,kafka:9092");
        bare.forEach((key, value) -> {
            assertThatThrownBy(() -> template(CHART, "castiron-etl").set("watchNamespaces[0]", "team-a").set(key, value).call())
                    .as(key + " " + value + " with Jobs in team-a").hasMessageContaining(key)
                    .hasMessageContaining("fully qualified");
            assertThatThrownBy(() -> template(CHART, "castiron-etl").set("watchAllNamespaces", true).set(key, value).call())
                    .as(key + " " + value + " with Jobs anywhere").hasMessageContaining(key);
        });
    }

    @Test
    void runnerServiceAccountCreateFalseMakesNoAccountButStillGrantsTheNamedOne() {
        List<HasMetadata> objects = parse(template(CHART, "castiron-etl").set("watchNamespaces[0]", "team-a")
                .set("runner.serviceAccount.create", false).set("runner.serviceAccount.name", "my-runner").call());
        assertThat(env(deployment(objects), "ETL_RUNNER_SERVICE_ACCOUNT_NAME").getValue()).isEqualTo("my-runner");
        assertThat(objects).as("no runner ServiceAccount").noneMatch(o -> o.getKind().equals("ServiceAccount")
                && o.getMetadata().getName().equals("my-runner"));
        for (String ns : List.of(NS, "team-a")) {
            assertThat(grants(objects, ns, "my-runner", ns)).as("my-runner in " + ns)
                    .containsExactlyInAnyOrderElementsOf(keys(OperatorPermissions.RUNNER));
        }
    }

    @Test
    void prometheusAnnotationsNameTheContainersPortWhateverTheServicePort() {
        Deployment d = deployment(parse(template(CHART, "castiron-etl").set("service.port", 80).call()));
        int containerPort = d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .filter(p -> "http".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", Integer.toString(containerPort))
                .containsEntry("prometheus.io/path", "/q/metrics");
    }

    @Test
    void runnerJobsGetBoundedMemoryAndTmpByDefault() {
        Job job = jobAsConfiguredBy(deployment(VARIANTS.get(0).render()));
        var pod = job.getSpec().getTemplate().getSpec();
        var resources = pod.getContainers().get(0).getResources();
        assertThat(resources.getLimits()).as("a memory limit bounds the runner's heap (75% of it)")
                .containsEntry("memory", new Quantity("1Gi"));
        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tmp")).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("4Gi")));

        Job allOptions = jobAsConfiguredBy(deployment(VARIANTS.get(2).render()));
        assertThat(allOptions.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
                .containsEntry("memory", new Quantity("2Gi"));
    }

    // --- rendering and parsing ---

    private static List<HasMetadata> parse(String manifest) {
        var objects = new ArrayList<HasMetadata>();
        for (String doc : manifest.split("(?m)^---\\s*$")) {
            boolean empty = doc.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
            if (!empty) {
                Object parsed = Serialization.unmarshal(doc);
                assertThat(parsed).as("a Kubernetes object:\n" + doc).isInstanceOf(HasMetadata.class);
                objects.add((HasMetadata) parsed);
            }
        }
        return objects;
    }

    /** helm template as for a Kubernetes version the chart supports (helm's own default is 1.20). */
    private static TemplateCommand template(Path chart, String release) {
        return new Helm(chart).template().withName(release).withNamespace(NS).withKubeVersion(KUBE_VERSION);
    }

    private static void assertLintsClean(Path chart) {
        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict " + chart + ": " + result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("helm lint " + chart)
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    private static Path copyWithValues(Path chart, Path values, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(chart)) {
            for (Path source : files.toList()) {
                Path copy = target.resolve(chart.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        }
        Files.copy(values, target.resolve("values.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private static Map<String, Object> read(Path yaml) {
        try {
            return new Yaml().load(Files.readString(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertSetsEveryValue(Map<String, Object> allOptions, Map<String, Object> defaults) {
        for (String key : leafKeys(defaults)) {
            Object value = allOptions;
            for (String part : key.split("\\.")) {
                value = value instanceof Map<?, ?> m ? m.get(part) : null;
            }
            assertThat(value).as("the all-options values set " + key).isNotNull();
            assertThat(value).as("the all-options values set " + key + " to something").isNotEqualTo(Map.of());
        }
    }

    /** Dotted paths of the values that are not maps (lists and empty maps count as values). */
    @SuppressWarnings("unchecked")
    private static Set<String> leafKeys(Map<String, Object> values) {
        var keys = new TreeSet<String>();
        values.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                leafKeys((Map<String, Object>) m).forEach(sub -> keys.add(k + "." + sub));
            } else {
                keys.add(k);
            }
        });
        return keys;
    }

    private static Map<String, String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.collect(Collectors.toMap(p -> p.getFileName().toString(), p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
    }

    private static Set<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static Deployment deployment(List<HasMetadata> objects) {
        List<Deployment> found = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static EnvVar env(Deployment d, String name) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + d.getMetadata().getName()));
    }

    private static Optional<String> optionalEnv(Deployment d, String name) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).findFirst().map(EnvVar::getValue);
    }

    // --- RBAC, resolved as the API server does: bindings in the namespace, plus cluster-wide bindings ---

    private static Set<Need> keys(Iterable<Need> needs) {
        var keys = new HashSet<Need>();
        needs.forEach(n -> keys.add(new Need(n.group(), n.resource(), n.verb(), "")));
        return keys;
    }

    /** What ServiceAccount saNamespace/sa may do in namespace ns. */
    private static Set<Need> grants(List<HasMetadata> objects, String saNamespace, String sa, String ns) {
        Function<List<Subject>, Boolean> isSubject = subjects -> subjects.stream().anyMatch(s ->
                "ServiceAccount".equals(s.getKind()) && sa.equals(s.getName()) && saNamespace.equals(s.getNamespace()));
        Map<String, List<PolicyRule>> clusterRoles = objects.stream().filter(ClusterRole.class::isInstance)
                .map(ClusterRole.class::cast).collect(Collectors.toMap(r -> r.getMetadata().getName(), ClusterRole::getRules));
        Map<String, List<PolicyRule>> roles = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .filter(r -> ns.equals(r.getMetadata().getNamespace()))
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), Role::getRules));
        var rules = new ArrayList<PolicyRule>();
        objects.stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast)
                .filter(b -> isSubject.apply(b.getSubjects()))
                .forEach(b -> rules.addAll(clusterRoles.getOrDefault(b.getRoleRef().getName(), List.of())));
        objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                .filter(b -> ns.equals(b.getMetadata().getNamespace()) && isSubject.apply(b.getSubjects()))
                .forEach(b -> rules.addAll(("ClusterRole".equals(b.getRoleRef().getKind()) ? clusterRoles : roles)
                        .getOrDefault(b.getRoleRef().getName(), List.of())));
        var grants = new HashSet<Need>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("rules are not narrowed by name").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        grants.add(new Need(group, resource, verb, ""));
                    }
                }
            }
        }
        return grants;
    }

    private static Job jobAsConfiguredBy(Deployment operator) {
        var settings = new LinkedHashMap<String, String>();
        for (String name : Settings.NAMES) {
            EnvVar e = env(operator, name);
            if (e.getValue() != null) {
                settings.put(name, e.getValue());
            }
        }
        var defaults = new RunnerDefaults(env(operator, "ETL_RUNNER_IMAGE").getValue(),
                Optional.of(env(operator, "ETL_RUNNER_IMAGE_PULL_POLICY").getValue()),
                Optional.of(env(operator, "ETL_RUNNER_SERVICE_ACCOUNT_NAME").getValue()),
                Integer.parseInt(env(operator, "ETL_RUNNER_BACKOFF_LIMIT").getValue()), Optional.empty(),
                env(operator, "ETL_RUNNER_CREDENTIALS_SECRET").getValue(),
                optionalEnv(operator, "ETL_RUNNER_RESOURCES").map(RunnerDefaults::resourcesFromJson),
                optionalEnv(operator, "ETL_RUNNER_TMP_SIZE_LIMIT").map(Quantity::new));
        return new JobFactory(defaults, Settings.from(settings)).build(sampleFile(), samplePipeline(), sampleContract());
    }

    private static EtlPipeline samplePipeline() {
        var p = new EtlPipeline();
        p.setMetadata(new ObjectMetaBuilder().withName("csv").withNamespace(NS).build());
        p.getSpec().setHandledFileGlob(".csv");
        p.getSpec().setStages(new Stages("in", "proc", "arch", "err", "cancel"));
        p.getSpec().setProcessor(Processor.shell("cat \"$ETL_FILENAME\""));
        return p;
    }

    private static EtlFile sampleFile() {
        var f = new EtlFile();
        f.setMetadata(new ObjectMetaBuilder().withName("data-csv-0123456789abcdef").withNamespace(NS)
                .withUid("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11").build());
        f.getSpec().setPipeline("csv");
        return f;
    }

    private static JobContract sampleContract() {
        EtlFile f = sampleFile();
        return JobContract.of(f.getMetadata().getUid(), f.getMetadata().getName(), NS, "csv",
                samplePipeline().getSpec(), "proc/x-data.csv", "data.csv");
    }
}

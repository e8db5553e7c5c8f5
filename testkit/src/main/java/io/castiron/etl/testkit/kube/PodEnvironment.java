package io.castiron.etl.testkit.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A container's environment as a kubelet computes it from the pod spec: {@code envFrom} first, then {@code env} in
 * order, with {@code value} ({@code $(VAR)} references expanded), {@code secretKeyRef}, {@code configMapKeyRef},
 * {@code fieldRef} and {@code resourceFieldRef}; a missing Secret, ConfigMap or key that is not optional is the
 * kubelet's {@code CreateContainerConfigError}, with its message.
 */
public final class PodEnvironment {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");
    private static final Pattern LABEL_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private final KubernetesClient client;

    public PodEnvironment(KubernetesClient client) {
        this.client = client;
    }

    /** Why a container cannot be created: the kubelet's reason {@code CreateContainerConfigError}. */
    public static final class ConfigError extends Exception {
        public ConfigError(String message) {
            super(message);
        }
    }

    /**
     * The container's environment on top of {@code base} (what the image sets), with {@code node} the address a
     * pod's {@code status.hostIP} and {@code status.podIP} resolve to.
     */
    public Map<String, String> resolve(Pod pod, Container container, Map<String, String> base) throws ConfigError {
        var env = new LinkedHashMap<>(base);
        String namespace = pod.getMetadata().getNamespace();
        for (EnvFromSource from : container.getEnvFrom() == null ? java.util.List.<EnvFromSource>of()
                : container.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getSecretRef() != null) {
                Secret secret = secret(namespace, from.getSecretRef().getName(), from.getSecretRef().getOptional());
                if (secret != null && secret.getData() != null) {
                    secret.getData().forEach((k, v) -> env.put(prefix + k, decode(v)));
                }
            } else if (from.getConfigMapRef() != null) {
                ConfigMap map = configMap(namespace, from.getConfigMapRef().getName(),
                        from.getConfigMapRef().getOptional());
                if (map != null && map.getData() != null) {
                    map.getData().forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        for (EnvVar var : container.getEnv() == null ? java.util.List.<EnvVar>of() : container.getEnv()) {
            String value = value(pod, container, var, env);
            if (value != null) {
                env.put(var.getName(), value);
            }
        }
        return env;
    }

    private String value(Pod pod, Container container, EnvVar var, Map<String, String> defined) throws ConfigError {
        String namespace = pod.getMetadata().getNamespace();
        var from = var.getValueFrom();
        if (from == null) {
            return expand(var.getValue() == null ? "" : var.getValue(), defined);
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            Secret secret = secret(namespace, ref.getName(), ref.getOptional());
            if (secret == null) {
                return null;
            }
            String encoded = secret.getData() == null ? null : secret.getData().get(ref.getKey());
            if (encoded == null) {
                if (Boolean.TRUE.equals(ref.getOptional())) {
                    return null;
                }
                throw new ConfigError("couldn't find key " + ref.getKey() + " in Secret " + namespace + "/"
                        + ref.getName());
            }
            return decode(encoded);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            ConfigMap map = configMap(namespace, ref.getName(), ref.getOptional());
            if (map == null) {
                return null;
            }
            String value = map.getData() == null ? null : map.getData().get(ref.getKey());
            if (value == null) {
                if (Boolean.TRUE.equals(ref.getOptional())) {
                    return null;
                }
                throw new ConfigError("couldn't find key " + ref.getKey() + " in ConfigMap " + namespace + "/"
                        + ref.getName());
            }
            return value;
        }
        if (from.getFieldRef() != null) {
            return field(pod, from.getFieldRef().getFieldPath());
        }
        if (from.getResourceFieldRef() != null) {
            return resource(container, from.getResourceFieldRef().getResource());
        }
        return null;
    }

    private static String field(Pod pod, String path) throws ConfigError {
        ObjectMeta meta = pod.getMetadata();
        Matcher labelled = LABEL_FIELD.matcher(path);
        if (labelled.matches()) {
            var values = labelled.group(1).equals("labels") ? meta.getLabels() : meta.getAnnotations();
            return values == null ? "" : values.getOrDefault(labelled.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> meta.getName();
            case "metadata.namespace" -> meta.getNamespace();
            case "metadata.uid" -> meta.getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs" -> ProcessNode.ADDRESS;
            default -> throw new ConfigError("unsupported fieldRef " + path);
        };
    }

    /** A limit or request, in the units the kubelet gives (whole cores rounded up, bytes), node capacity if unset. */
    private static String resource(Container container, String resource) {
        var resources = container.getResources();
        String kind = resource.startsWith("requests.") ? "requests" : "limits";
        String name = resource.substring(resource.indexOf('.') + 1);
        Map<String, Quantity> values = resources == null ? null
                : kind.equals("requests") ? resources.getRequests() : resources.getLimits();
        Quantity quantity = values == null ? null : values.get(name);
        if (quantity == null) {
            return name.equals("cpu") ? Integer.toString(Runtime.getRuntime().availableProcessors())
                    : Long.toString(ProcessNode.memoryBytes());
        }
        var amount = quantity.getNumericalAmount();
        return name.equals("cpu") ? amount.setScale(0, java.math.RoundingMode.CEILING).toPlainString()
                : amount.toBigInteger().toString();
    }

    private Secret secret(String namespace, String name, Boolean optional) throws ConfigError {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null && !Boolean.TRUE.equals(optional)) {
            throw new ConfigError("secret \"" + name + "\" not found");
        }
        return secret;
    }

    private ConfigMap configMap(String namespace, String name, Boolean optional) throws ConfigError {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null && !Boolean.TRUE.equals(optional)) {
            throw new ConfigError("configmap \"" + name + "\" not found");
        }
        return map;
    }

    /** {@code $(NAME)} becomes NAME's value when it is defined before, {@code $$} a dollar, as in a kubelet. */
    static String expand(String value, Map<String, String> defined) {
        Matcher m = REFERENCE.matcher(value);
        var out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(1) == null ? "\\$"
                    : Matcher.quoteReplacement(defined.getOrDefault(m.group(1), m.group()));
            m.appendReplacement(out, replacement);
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}

package io.castiron.etl.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Kubernetes names derived from things users name freely (object keys, file names). */
public final class ResourceNames {
    /** A DNS-1123 label: valid as any resource name, and as a label value. */
    public static final int MAX_LENGTH = 63;
    private static final String TOML_SUFFIX = ".toml";
    private static final int HASH_CHARS = 8;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private ResourceNames() {
    }

    /**
     * The EtlPipeline name for a TOML config's object key (or file name), e.g. {@code tests/My Config.toml} ->
     * {@code tests-my-config-1a2b3c4d}. Stable for a key; different keys give different names: when the
     * readable part alone does not spell the key exactly (minus {@code .toml}), a hash of the exact key is
     * appended.
     */
    public static String pipelineNameFor(String tomlObjectKey) {
        if (tomlObjectKey == null || tomlObjectKey.isEmpty()) {
            throw new IllegalArgumentException("a TOML object key is needed to name its pipeline");
        }
        boolean toml = tomlObjectKey.endsWith(TOML_SUFFIX);
        String base = toml ? tomlObjectKey.substring(0, tomlObjectKey.length() - TOML_SUFFIX.length()) : tomlObjectKey;
        String readable = readable(base);
        if (toml && !readable.isEmpty() && readable.equals(base) && readable.length() <= MAX_LENGTH) {
            return readable;
        }
        String hash = shortHash(tomlObjectKey);
        int room = MAX_LENGTH - HASH_CHARS - 1;
        String head = trimDashes(readable.length() > room ? readable.substring(0, room) : readable);
        return head.isEmpty() ? "pipeline-" + hash : head + "-" + hash;
    }

    /**
     * True for a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit,
     * at most 63 characters): what a pipeline name must be, as it also goes into label values.
     */
    public static boolean isValidName(String name) {
        return name != null && name.length() <= MAX_LENGTH && DNS_LABEL.matcher(name).matches();
    }

    /**
     * A name as a label value, which may hold at most 63 characters where names of namespaced resources may hold
     * 253: a longer name keeps a readable head and ends in a hash of the whole name, so it stays distinct.
     */
    public static String labelValue(String name) {
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        String head = name.substring(0, MAX_LENGTH - HASH_CHARS - 1).replaceAll("[^A-Za-z0-9]+$", "");
        return head + "-" + shortHash(name);
    }

    /** Lowercase ASCII letters and digits, accents folded, every other run of characters one '-'. */
    private static String readable(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        return trimDashes(folded.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
    }

    private static String trimDashes(String s) {
        return s.replaceAll("^-+|-+$", "");
    }

    private static String shortHash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package io.castiron.etl.operator.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The EtlFile name that claims one upload: derived from bucket + object key + etag + last-modified, so two scans
 * of one upload agree (and Kubernetes' create is the atomic claim), while re-uploading the same content later is
 * a new file. The pipeline is deliberately not part of it: two pipelines that match one object compute the same
 * name, so at most one of them can ever claim it. The name is also the Job's name, so it stays within 63
 * characters: a readable stem of the file name plus 16 hex digits of the hash.
 */
public final class ClaimName {
    private static final int STEM_MAX = 40;

    private ClaimName() {
    }

    public static String of(String bucket, String key, String etag, String lastModified, String fileName) {
        return stem(fileName) + "-" + hash(bucket + "\n" + key + "\n" + etag + "\n" + lastModified);
    }

    private static String stem(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        var out = new StringBuilder();
        for (int i = 0; i < lower.length() && out.length() < STEM_MAX; i++) {
            char c = lower.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (alnum) {
                out.append(c);
            } else if (out.length() > 0 && out.charAt(out.length() - 1) != '-') {
                out.append('-');
            }
        }
        while (out.length() > 0 && out.charAt(out.length() - 1) == '-') {
            out.setLength(out.length() - 1);
        }
        return out.length() == 0 ? "file" : out.toString();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}

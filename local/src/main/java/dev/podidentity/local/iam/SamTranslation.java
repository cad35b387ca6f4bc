package dev.podidentity.local.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * template.yaml translated by AWS's own SAM translator (aws-sam-translator, through {@code local/bin/sam-translate}),
 * so the roles are exactly the ones SAM would make: policy templates, connectors, event-invoke destinations and
 * managed policies included. The translation takes seconds, so it is kept per template content in
 * {@code local/target/iam/} and in memory.
 */
public final class SamTranslation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConcurrentMap<String, JsonNode> MEMORY = new ConcurrentHashMap<>();

    private SamTranslation() {
    }

    /** The translated template of {@code root/template.yaml}. */
    public static JsonNode of(Path root) {
        Path template = root.resolve("template.yaml");
        try {
            byte[] content = Files.readAllBytes(template);
            String key = sha256(content);
            return MEMORY.computeIfAbsent(key, k -> translate(root, template, k));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
    }

    private static JsonNode translate(Path root, Path template, String key) {
        Path cache = root.resolve("local/target/iam/sam-translated-" + key.substring(0, 16) + ".json");
        try {
            if (Files.isRegularFile(cache)) {
                return JSON.readTree(cache.toFile());
            }
            Files.createDirectories(cache.getParent());
            Path partial = Files.createTempFile(cache.getParent(), "sam-translated-", ".tmp");
            Process process = new ProcessBuilder("python3", root.resolve("local/bin/sam-translate").toString(),
                    template.toString(), partial.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                Files.deleteIfExists(partial);
                throw new IllegalStateException("local/bin/sam-translate could not translate template.yaml: " + output);
            }
            Files.move(partial, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return JSON.readTree(cache.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("SAM translation of " + template + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while translating template.yaml", e);
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.podidentity.autopilot.guard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which namespaces a config may give AWS permissions to, per cluster. Written as the stack parameter
 * {@code AllowedNamespaces}: entries separated by {@code ;}, each {@code CLUSTERS=NAMESPACES}, both globs ({@code *}
 * any run of characters), namespaces separated by {@code |}:
 * <pre>prod-*=payments|web;*=*</pre>
 * The first entry whose cluster glob matches a cluster decides; a cluster no entry matches may use no namespace.
 * No entries at all (the default) restricts nothing.
 */
public record NamespaceAllowList(List<Entry> entries) {
    public static final NamespaceAllowList NONE = new NamespaceAllowList(List.of());

    /** Kubernetes names are lower-case DNS labels; a glob may add {@code *}. */
    private static final Pattern CLUSTER_GLOB = Pattern.compile("[A-Za-z0-9*][A-Za-z0-9_*-]{0,99}");
    private static final Pattern NAMESPACE_GLOB = Pattern.compile("[a-z0-9*][a-z0-9*-]{0,62}");

    public record Entry(String clusterGlob, List<String> namespaceGlobs) {
        public Entry {
            namespaceGlobs = List.copyOf(namespaceGlobs);
        }

        @Override
        public String toString() {
            return clusterGlob + "=" + String.join("|", namespaceGlobs);
        }
    }

    public NamespaceAllowList {
        entries = List.copyOf(entries);
    }

    /**
     * Parses the parameter's format; blank means no restriction.
     *
     * @throws IllegalArgumentException naming the entry that is malformed and what is wrong with it
     */
    public static NamespaceAllowList parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        String[] parts = text.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                if (i == parts.length - 1) {
                    continue; // a trailing ";" is harmless
                }
                throw new IllegalArgumentException("entry " + (i + 1) + " is empty; write CLUSTERS=NAMESPACES entries "
                        + "separated by \";\", e.g. prod-*=payments|web;*=*");
            }
            int eq = part.indexOf('=');
            if (eq < 0 || part.indexOf('=', eq + 1) >= 0) {
                throw new IllegalArgumentException("entry " + (i + 1) + " \"" + part + "\" must be CLUSTERS=NAMESPACES "
                        + "with exactly one \"=\", e.g. prod-*=payments|web");
            }
            String cluster = part.substring(0, eq).trim();
            if (!CLUSTER_GLOB.matcher(cluster).matches()) {
                throw new IllegalArgumentException("entry " + (i + 1) + " \"" + part + "\": \"" + cluster
                        + "\" is not a cluster name or glob (letters, digits, \"-\", \"_\", \"*\"; at most 100)");
            }
            List<String> namespaces = Arrays.stream(part.substring(eq + 1).split("\\|", -1)).map(String::trim).toList();
            for (String ns : namespaces) {
                if (!NAMESPACE_GLOB.matcher(ns).matches()) {
                    throw new IllegalArgumentException("entry " + (i + 1) + " \"" + part + "\": \"" + ns
                            + "\" is not a namespace or glob (lower-case letters, digits, \"-\", \"*\"; at most 63)");
                }
            }
            entries.add(new Entry(cluster, namespaces));
        }
        return new NamespaceAllowList(entries);
    }

    public boolean restricts() {
        return !entries.isEmpty();
    }

    /** The entry that decides for this cluster: the first whose cluster glob matches it. */
    public Optional<Entry> entryFor(String cluster) {
        return entries.stream().filter(e -> Globs.matches(e.clusterGlob(), cluster)).findFirst();
    }

    @Override
    public String toString() {
        return String.join(";", entries.stream().map(Entry::toString).toList());
    }
}

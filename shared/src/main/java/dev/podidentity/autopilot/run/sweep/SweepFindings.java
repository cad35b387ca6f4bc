package dev.podidentity.autopilot.run.sweep;

import dev.podidentity.autopilot.naming.BucketLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sweep's judgement, apart from the calls that gather the facts: which config object belongs to which cluster,
 * in which order clusters are examined across invocations, and what one cluster's facts amount to.
 */
public final class SweepFindings {
    /** The order Resolve looks for a cluster's own config (onboard), so the sweep judges the same object. */
    private static final List<String> EXTENSIONS = BucketLayout.CONFIG_EXTENSIONS;
    /** A step line of the plan text. */
    private static final String STEP_MARK = "(plan) would";

    private SweepFindings() {
    }

    /** What the sweep concludes about one cluster; the first that applies, in this order. */
    public enum Verdict {
        /** A read failed (throttled, denied); the other clusters were still examined. */
        ERROR,
        /** CREATING, DELETING, FAILED, PENDING: noted, not judged (a run would wait for it or fail on it). */
        NOT_JUDGED,
        /** Its config would be refused by every run: its problems are listed. */
        INVALID_CONFIG,
        /** No run of the application ever reported on it: its CreateCluster event was probably never delivered. */
        NOT_ONBOARDED,
        /** Its config and the cluster differ: the steps an apply would take are listed. */
        DRIFT,
        /** An apply of its config would change nothing. */
        IN_SYNC,
        /** Onboarded, no config of its own: nothing to compare. */
        ONBOARDED
    }

    /** The config objects by cluster, and the keys under clusters/ that name no cluster (ignored by the rule). */
    public record ConfigIndex(Map<String, String> byCluster, List<String> duplicates, List<String> ignored) {
        public Optional<String> keyFor(String cluster) {
            return Optional.ofNullable(byCluster.get(cluster));
        }
    }

    /** Indexes {@code clusters/} keys; a cluster with two configs gets the one Resolve would read, the other is listed. */
    public static ConfigIndex index(List<String> keys) {
        Map<String, List<String>> found = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        for (String key : keys) {
            Optional<String> name = BucketLayout.configFileName(key);
            if (name.isPresent()) {
                found.computeIfAbsent(name.get(), c -> new ArrayList<>()).add(key);
            } else {
                ignored.add(key);
            }
        }
        Map<String, String> byCluster = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        found.forEach((cluster, candidates) -> {
            String chosen = null;
            for (String ext : EXTENSIONS) {
                String key = BucketLayout.configKey(cluster, ext);
                if (candidates.contains(key)) {
                    if (chosen == null) {
                        chosen = key;
                    } else {
                        duplicates.add(key);
                    }
                }
            }
            byCluster.put(cluster, chosen);
        });
        return new ConfigIndex(byCluster, duplicates, ignored);
    }

    /**
     * The clusters in the order this invocation examines them: by name, starting at {@code resumeFrom} (where the
     * previous sweep stopped, if it stopped early) and wrapping around, so a fleet larger than one invocation's
     * budget is covered over successive sweeps.
     */
    public static List<String> rotation(List<String> clusters, String resumeFrom) {
        List<String> sorted = clusters.stream().sorted().distinct().toList();
        if (resumeFrom == null || sorted.isEmpty()) {
            return sorted;
        }
        int start = 0;
        while (start < sorted.size() && sorted.get(start).compareTo(resumeFrom) < 0) {
            start++;
        }
        List<String> out = new ArrayList<>(sorted.subList(start, sorted.size()));
        out.addAll(sorted.subList(0, start));
        return out;
    }

    /** Whether the sweep judges a cluster in this status (UPDATING clusters serve requests; runs proceed on them). */
    public static boolean judged(String status) {
        return "ACTIVE".equals(status) || "UPDATING".equals(status);
    }

    /** The step lines of a plan text ("(plan) would ..."), trimmed, in plan order. */
    public static List<String> stepLines(String planText) {
        List<String> out = new ArrayList<>();
        for (String line : planText == null ? new String[0] : planText.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith(STEP_MARK)) {
                out.add(trimmed);
            }
        }
        return out;
    }

    /** What a plan-only apply of the cluster's config showed: its counts and steps, or the config's problems. */
    public record Preview(int changes, int unchanged, List<String> steps, List<String> warnings,
                          List<String> problems) {
        public Preview {
            steps = List.copyOf(steps);
            warnings = List.copyOf(warnings);
            problems = List.copyOf(problems);
        }

        public static Preview invalid(List<String> problems) {
            return new Preview(0, 0, List.of(), List.of(), problems);
        }

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /**
     * The facts gathered about one cluster.
     *
     * @param onboardingEvidence a run report of this cluster ({@code reports/<cluster>/...}), or null when none
     * @param configKey          its own config object, or null
     * @param preview            the plan-only apply of that config, or null (no config, or not judged)
     * @param error              why the facts are incomplete, or null
     */
    public record ClusterFacts(String cluster, String status, String onboardingEvidence, String configKey,
                               Preview preview, String error) {
    }

    public static Verdict verdict(ClusterFacts facts) {
        if (facts.error() != null) {
            return Verdict.ERROR; // the status itself may be what could not be read
        }
        if (!judged(facts.status())) {
            return Verdict.NOT_JUDGED;
        }
        if (facts.preview() != null && !facts.preview().valid()) {
            return Verdict.INVALID_CONFIG;
        }
        if (facts.onboardingEvidence() == null) {
            return Verdict.NOT_ONBOARDED;
        }
        if (facts.preview() == null) {
            return Verdict.ONBOARDED;
        }
        return facts.preview().changes() > 0 ? Verdict.DRIFT : Verdict.IN_SYNC;
    }
}

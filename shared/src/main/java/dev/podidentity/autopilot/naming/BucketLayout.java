package dev.podidentity.autopilot.naming;

import dev.podidentity.autopilot.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things live in the config bucket, in one place: configs under {@code clusters/<cluster>.yaml|yml|json}
 * (nothing nested; the file name is the cluster name) and {@code defaults/}, each run's plan and batch outcomes
 * under {@code runs/<cluster>/<execution>/}, reports under {@code reports/<cluster>/<execution>.json}. The template's
 * IAM policies and lifecycle rule name the same prefixes.
 */
public final class BucketLayout {
    public static final String CLUSTERS = "clusters/";
    public static final String DEFAULTS = "defaults/";
    public static final String RUNS = "runs/";
    public static final String REPORTS = "reports/";
    /** The extensions of a cluster's own config, in the order Resolve (onboard) and the sweep look for them. */
    public static final List<String> CONFIG_EXTENSIONS = List.of("yaml", "yml", "json");
    /** S3's own limit on a key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private static final String PLAN = "plan.json";
    private static final Pattern CONFIG_KEY = Pattern.compile("clusters/([^/]+)\\.(yaml|yml|json)");

    private BucketLayout() {
    }

    /** {@code clusters/<cluster>.<extension>}. */
    public static String configKey(String cluster, String extension) {
        return CLUSTERS + cluster + "." + extension;
    }

    /**
     * The file name of a config key directly under {@code clusters/} with a config extension, whether or not it is a
     * valid cluster name (the sweep lists such files as ignored; a trigger refuses them).
     */
    public static Optional<String> configFileName(String key) {
        Matcher m = CONFIG_KEY.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The cluster a config key is for: {@code clusters/<a valid cluster name>.<extension>}. */
    public static Optional<String> clusterOfConfigKey(String key) {
        return configFileName(key).filter(ClusterNames::isValid);
    }

    /** A key Resolve may read as a config: under {@code clusters/} or {@code defaults/}, no "..", S3's size. */
    public static boolean isConfigKey(String key) {
        return (key.startsWith(CLUSTERS) || key.startsWith(DEFAULTS)) && !key.contains("..")
                && key.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES;
    }

    /** {@code runs/<cluster>/<execution>/plan.json}. */
    public static String planKey(String cluster, String execution) {
        return RUNS + segment("cluster", cluster) + "/" + segment("execution", execution) + "/" + PLAN;
    }

    /** {@code runs/<cluster>/<execution>/outcomes/<phase>-<batch>.json}, next to the plan it belongs to. */
    public static String outcomesKey(String planKey, String phase, int batch) {
        if (planKey == null || !planKey.startsWith(RUNS) || !planKey.endsWith("/" + PLAN)) {
            throw new InvalidInputException("planKey: not a run's plan key (runs/<cluster>/<execution>/plan.json): "
                    + planKey);
        }
        return planKey.substring(0, planKey.length() - PLAN.length()) + "outcomes/" + segment("phase", phase) + "-"
                + batch + ".json";
    }

    /** {@code reports/<cluster>/<execution>.json}. */
    public static String reportKey(String cluster, String execution) {
        return reportsOf(cluster) + execution + ".json";
    }

    /** {@code reports/<cluster>/}: a cluster's reports. */
    public static String reportsOf(String cluster) {
        return REPORTS + cluster + "/";
    }

    /** A key segment must stay one segment: no slash, no "..", not empty. */
    private static String segment(String field, String value) {
        if (value == null || value.isEmpty() || value.contains("/") || value.equals("..") || value.equals(".")) {
            throw new InvalidInputException(field + ": \"" + value + "\" cannot name a run artifact");
        }
        return value;
    }
}

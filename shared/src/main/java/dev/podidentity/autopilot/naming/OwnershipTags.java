package dev.podidentity.autopilot.naming;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that builds the tags put on roles and associations we create, and that reads ownership back.
 *
 * <p>Keys live under {@value #PREFIX}: {@code managed-by} (value {@value #MANAGED_BY_VALUE}), {@code cluster},
 * and either {@code namespace} + {@code service-account} (associations) or {@code addon} + {@code service-account}
 * (addon pod identities). Ownership requires both the managed-by value and the cluster, so a role made for one
 * cluster is never deleted on behalf of another.
 */
public final class OwnershipTags {

    public static final String PREFIX = "pod-identity-autopilot/";
    public static final String MANAGED_BY = PREFIX + "managed-by";
    public static final String MANAGED_BY_VALUE = "pod-identity-autopilot";
    public static final String CLUSTER = PREFIX + "cluster";
    public static final String NAMESPACE = PREFIX + "namespace";
    public static final String SERVICE_ACCOUNT = PREFIX + "service-account";
    public static final String ADDON = PREFIX + "addon";
    /** Set by an IAM administrator on a role any config may hand to workloads (value {@value #TRUE}). */
    public static final String ASSIGNABLE = PREFIX + "assignable";
    /** Set by an IAM administrator on an IRSA role whose trust migration may rewrite (value {@value #ALLOWED}). */
    public static final String MIGRATION = PREFIX + "migration";
    public static final String TRUE = "true";
    public static final String ALLOWED = "allowed";

    /** eksctl's tag keys (reference §1.5, §4.3); any of them marks an eksctl-created resource. */
    public static final String EKSCTL_CLUSTER_NAME = "alpha.eksctl.io/cluster-name";
    public static final String EKSCTL_LEGACY_CLUSTER_NAME = "eksctl.cluster.k8s.io/v1alpha1/cluster-name";
    public static final String EKSCTL_POD_IDENTITY_ASSOCIATION = "alpha.eksctl.io/podidentityassociation-name";
    public static final String EKSCTL_ADDON_POD_IDENTITY_ASSOCIATION = "alpha.eksctl.io/addon-podidentityassociation-name";
    public static final String EKSCTL_IAM_SERVICE_ACCOUNT = "alpha.eksctl.io/iamserviceaccount-name";
    public static final String EKSCTL_ADDON = "alpha.eksctl.io/addon-name";
    public static final Set<String> EKSCTL_KEYS = Set.of(EKSCTL_CLUSTER_NAME, EKSCTL_LEGACY_CLUSTER_NAME,
            EKSCTL_POD_IDENTITY_ASSOCIATION, EKSCTL_ADDON_POD_IDENTITY_ASSOCIATION, EKSCTL_IAM_SERVICE_ACCOUNT,
            EKSCTL_ADDON);

    /** IAM and EKS tag limits. */
    public static final int MAX_TAGS = 50;
    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_VALUE_LENGTH = 256;

    // IAM's documented tag character set: letters, digits, spaces and _.:/=+-@ (any language).
    private static final Pattern TAG_CHARS = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private OwnershipTags() {
    }

    public static Map<String, String> forAssociation(String cluster, String namespace, String serviceAccount) {
        Map<String, String> tags = base(cluster);
        tags.put(NAMESPACE, namespace);
        tags.put(SERVICE_ACCOUNT, serviceAccount);
        return Collections.unmodifiableMap(tags);
    }

    public static Map<String, String> forAddon(String cluster, String addon, String serviceAccount) {
        Map<String, String> tags = base(cluster);
        tags.put(ADDON, addon);
        tags.put(SERVICE_ACCOUNT, serviceAccount);
        return Collections.unmodifiableMap(tags);
    }

    private static Map<String, String> base(String cluster) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(MANAGED_BY, MANAGED_BY_VALUE);
        tags.put(CLUSTER, cluster);
        return tags;
    }

    /** Whether a tag key is under our reserved prefix, in any case: configs may never set such a tag. */
    public static boolean isReserved(String key) {
        return key != null && key.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** True for a role an IAM administrator marked as one any config may hand to workloads. */
    public static boolean isAssignable(Map<String, String> tags) {
        return TRUE.equals(tags.get(ASSIGNABLE));
    }

    /** True for a role an IAM administrator opted in to trust rewrites by migration. */
    public static boolean isMigrationAllowed(Map<String, String> tags) {
        return ALLOWED.equals(tags.get(MIGRATION));
    }

    /** True only for resources this application created for this cluster. */
    public static boolean isOwnedBy(Map<String, String> tags, String cluster) {
        return MANAGED_BY_VALUE.equals(tags.get(MANAGED_BY)) && cluster != null && cluster.equals(tags.get(CLUSTER));
    }

    /** Who created the resource carrying these tags. */
    public static Owner owner(Map<String, String> tags) {
        if (MANAGED_BY_VALUE.equals(tags.get(MANAGED_BY))) {
            return Owner.AUTOPILOT;
        }
        if (tags.keySet().stream().anyMatch(EKSCTL_KEYS::contains)) {
            return Owner.EKSCTL;
        }
        return Owner.UNKNOWN;
    }

    /** The cluster an eksctl-created resource belongs to, when its tags say. */
    public static Optional<String> eksctlClusterName(Map<String, String> tags) {
        return Optional.ofNullable(tags.get(EKSCTL_CLUSTER_NAME)).or(() -> Optional.ofNullable(tags.get(EKSCTL_LEGACY_CLUSTER_NAME)));
    }

    /**
     * User tags plus ours; ours win, including over a user key that differs from ours only in case (IAM treats
     * such keys as the same key).
     *
     * @throws InvalidTagsException listing every problem: reserved {@code aws:} prefix, key or value too long,
     *                              characters outside IAM's set, keys equal but for case, more than 50 tags in all
     */
    public static Map<String, String> merge(Map<String, String> userTags, Map<String, String> ours) {
        Map<String, String> user = userTags == null ? Map.of() : userTags;
        List<String> problems = new ArrayList<>(problems(user));
        Set<String> ourKeysLower = new java.util.HashSet<>();
        ours.keySet().forEach(k -> ourKeysLower.add(k.toLowerCase(Locale.ROOT)));
        Map<String, String> merged = new LinkedHashMap<>();
        user.forEach((key, value) -> {
            if (!ourKeysLower.contains(key.toLowerCase(Locale.ROOT))) {
                merged.put(key, value);
            }
        });
        merged.putAll(ours);
        if (merged.size() > MAX_TAGS) {
            problems.add("there would be " + merged.size() + " tags (" + (merged.size() - ours.size())
                    + " given plus " + ours.size() + " ownership tags); IAM and EKS allow at most " + MAX_TAGS);
        }
        if (!problems.isEmpty()) {
            throw new InvalidTagsException(problems);
        }
        return Collections.unmodifiableMap(merged);
    }

    /** Problems with user-given tags on their own, for the config validator; empty when they are acceptable. */
    public static List<String> problems(Map<String, String> tags) {
        List<String> problems = new ArrayList<>();
        Map<String, String> seenLower = new HashMap<>();
        tags.forEach((key, value) -> {
            if (key == null || key.isEmpty()) {
                problems.add("tag key must not be empty");
                return;
            }
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                problems.add("tag key \"" + key + "\" uses the prefix aws:, which AWS reserves");
            }
            if (key.length() > MAX_KEY_LENGTH) {
                problems.add("tag key \"" + abbreviate(key) + "\" is " + key.length() + " characters long; at most "
                        + MAX_KEY_LENGTH + " are allowed");
            }
            if (!TAG_CHARS.matcher(key).matches()) {
                problems.add("tag key \"" + key + "\" contains characters IAM does not allow; use letters, digits, "
                        + "spaces and _.:/=+-@");
            }
            String previous = seenLower.put(key.toLowerCase(Locale.ROOT), key);
            if (previous != null) {
                problems.add("tag keys \"" + previous + "\" and \"" + key + "\" differ only in case; IAM treats them as "
                        + "the same key");
            }
            String text = value == null ? "" : value;
            if (text.length() > MAX_VALUE_LENGTH) {
                problems.add("the value of tag \"" + key + "\" is " + text.length() + " characters long; at most "
                        + MAX_VALUE_LENGTH + " are allowed");
            }
            if (!TAG_CHARS.matcher(text).matches()) {
                problems.add("the value of tag \"" + key + "\" contains characters IAM does not allow; use letters, "
                        + "digits, spaces and _.:/=+-@");
            }
        });
        if (tags.size() > MAX_TAGS) {
            problems.add(tags.size() + " tags are given; IAM and EKS allow at most " + MAX_TAGS);
        }
        return problems;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}

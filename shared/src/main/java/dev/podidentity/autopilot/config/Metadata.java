package dev.podidentity.autopilot.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code metadata}: the cluster this config is for. Tags go on every role created for it.
 *
 * @param annotations eksctl's free-form {@code metadata.annotations}; we read one of ours,
 *                    {@value #ADOPT_ANNOTATION} (see {@link #adoptedAssociations})
 */
public record Metadata(String name, String region, Map<String, String> tags, Map<String, String> annotations) {
    /**
     * Our extension, kept inside eksctl's schema so the file still loads in eksctl: the comma-separated
     * {@code namespace/serviceAccountName} of associations someone else made that apply may take over.
     */
    public static final String ADOPT_ANNOTATION = "pod-identity-autopilot/adopt-associations";
    /**
     * Our extension: {@code "true"} gives each {@code iam.serviceAccounts} entry, and each addon whose IRSA
     * policies fit one service account, the pod identity association equivalent to it instead of only a warning.
     */
    public static final String IRSA_AS_POD_IDENTITY_ANNOTATION = "pod-identity-autopilot/irsa-as-pod-identity";

    public Metadata {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Metadata(String name, String region, Map<String, String> tags) {
        this(name, region, tags, Map.of());
    }

    Metadata withName(String newName) {
        return new Metadata(newName, region, tags, annotations);
    }

    /** True when {@value #IRSA_AS_POD_IDENTITY_ANNOTATION} is {@code "true"}. */
    public boolean irsaAsPodIdentity() {
        return "true".equalsIgnoreCase(String.valueOf(annotations.get(IRSA_AS_POD_IDENTITY_ANNOTATION)).trim());
    }

    /** The associations {@value #ADOPT_ANNOTATION} names, as {@code namespace/serviceAccountName}. */
    public Set<String> adoptedAssociations() {
        String value = annotations.get(ADOPT_ANNOTATION);
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}

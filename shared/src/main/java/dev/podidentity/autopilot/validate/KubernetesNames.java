package dev.podidentity.autopilot.validate;

import java.util.regex.Pattern;

/** The Kubernetes name rules a namespace and a service account name must satisfy, or the API server refuses them. */
public final class KubernetesNames {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubernetesNames() {
    }

    /** Null when {@code name} is a valid namespace (an RFC 1123 label), else why not. */
    public static String namespaceProblem(String name) {
        if (name.length() > 63) {
            return "namespace \"" + name + "\" is longer than 63 characters";
        }
        if (!DNS1123_LABEL.matcher(name).matches()) {
            return "namespace \"" + name + "\" is not a valid Kubernetes name: use lowercase letters, digits and "
                    + "'-', starting and ending with a letter or digit";
        }
        return null;
    }

    /** Null when {@code name} is a valid service account name (an RFC 1123 subdomain), else why not. */
    public static String serviceAccountProblem(String name) {
        if (name.length() > 253) {
            return "service account name \"" + name + "\" is longer than 253 characters";
        }
        if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
            return "service account name \"" + name + "\" is not a valid Kubernetes name: use lowercase letters, "
                    + "digits, '-' and '.', starting and ending with a letter or digit";
        }
        return null;
    }
}

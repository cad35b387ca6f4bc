package dev.podidentity.autopilot.naming;

import java.util.regex.Pattern;

/** EKS cluster names: 1-100 letters, digits, {@code -} and {@code _}, a letter or digit first. */
public final class ClusterNames {
    public static final Pattern PATTERN = Pattern.compile("[0-9A-Za-z][A-Za-z0-9_-]{0,99}");

    private ClusterNames() {
    }

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }
}

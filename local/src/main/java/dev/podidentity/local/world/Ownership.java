package dev.podidentity.local.world;

/**
 * The tag that marks IAM roles (and associations) as created by Pod Identity Autopilot. The world files use it for
 * the role the application owns; the application's ownership checks should read the same key and value.
 */
public final class Ownership {
    public static final String MANAGED_BY_TAG = "pod-identity-autopilot/managed-by";
    public static final String MANAGED_BY_VALUE = "pod-identity-autopilot";

    private Ownership() {
    }
}

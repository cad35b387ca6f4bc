package dev.podidentity.autopilot.plan;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The role an association (standalone or addon) is to use, with everything the executor needs to make it so.
 *
 * @param mode             what to do with the role before associating it
 * @param arn              the role's ARN; for a role to create it is computed from account, path and name
 * @param name             role name (without path)
 * @param path             role path, {@code /} or {@code /a/b/}
 * @param managedPolicyArns managed policies to attach (CREATE / UPDATE_PERMISSIONS)
 * @param inlinePolicies   inline policy name → document JSON (CREATE / UPDATE_PERMISSIONS)
 * @param tags             role tags, our ownership tags included (CREATE)
 * @param scopedTrust      trust only the cluster and service account of its ownership tags (session tags are on)
 * @param trustChange      what converging an existing role of ours changes in its trust, in words for the plan
 *                         (e.g. an old open pods statement narrowed to the scoped one); null when its trust is right
 */
public record DesiredRole(Mode mode, String arn, String name, String path, List<String> managedPolicyArns,
                          Map<String, String> inlinePolicies, String permissionsBoundaryArn,
                          Map<String, String> tags, boolean scopedTrust, String trustChange) {

    public enum Mode {
        /** Use the role as it is: the user's, or ours and already right. */
        USE_EXISTING,
        /** Create the role with the pods trust policy and these permissions. */
        CREATE,
        /** The role is ours and exists: make its attached, inline and boundary policies exactly these. */
        UPDATE_PERMISSIONS,
        /**
         * The role is ours, exists and has these permissions, but its trust is not what it should be
         * ({@code trustChange} says how): converge it like UPDATE_PERMISSIONS, which writes only the trust.
         */
        UPDATE_TRUST
    }

    public DesiredRole {
        managedPolicyArns = managedPolicyArns == null ? List.of() : List.copyOf(managedPolicyArns);
        inlinePolicies = inlinePolicies == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(inlinePolicies));
        tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** A role whose trust needs no change the plan shows. */
    public DesiredRole(Mode mode, String arn, String name, String path, List<String> managedPolicyArns,
                       Map<String, String> inlinePolicies, String permissionsBoundaryArn, Map<String, String> tags,
                       boolean scopedTrust) {
        this(mode, arn, name, path, managedPolicyArns, inlinePolicies, permissionsBoundaryArn, tags, scopedTrust,
                null);
    }

    /** A role whose trust is the plain pod identity statement (session tags off, or not ours to scope). */
    public DesiredRole(Mode mode, String arn, String name, String path, List<String> managedPolicyArns,
                       Map<String, String> inlinePolicies, String permissionsBoundaryArn, Map<String, String> tags) {
        this(mode, arn, name, path, managedPolicyArns, inlinePolicies, permissionsBoundaryArn, tags, false);
    }

    public static DesiredRole existing(String arn) {
        return new DesiredRole(Mode.USE_EXISTING, arn, RoleArn.nameOf(arn), RoleArn.pathOf(arn), null, null, null, null);
    }

    public boolean changesRole() {
        return mode != Mode.USE_EXISTING;
    }
}

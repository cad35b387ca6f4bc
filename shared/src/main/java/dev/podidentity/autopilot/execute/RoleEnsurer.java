package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.Partition;
import dev.podidentity.autopilot.plan.DesiredRole;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.PolicyLimit;
import dev.podidentity.autopilot.policy.PolicySize;
import dev.podidentity.autopilot.policy.Statement;
import dev.podidentity.autopilot.policy.TrustPolicies;
import dev.podidentity.autopilot.port.IamRoles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a role what a {@link DesiredRole} says. CREATE creates it with the pod identity trust, path, boundary and
 * tags, then attaches and puts its policies; a role of that name that already exists is adopted only when its
 * tags say we made it for this cluster, and is then converged. UPDATE_PERMISSIONS and UPDATE_TRUST converge a role
 * of ours (policies, boundary, tags and its pods trust: scoped to its cluster and service account while session tags
 * are on, plain while they are off). USE_EXISTING makes no IAM call at all. Converging reads first and writes only what differs, so a rerun against a
 * converged role makes no write call.
 */
public final class RoleEnsurer {
    private final IamRoles iam;

    public RoleEnsurer(IamRoles iam) {
        this.iam = Objects.requireNonNull(iam, "iam");
    }

    /**
     * @param arn     the role's actual ARN (an adopted role keeps its own path)
     * @param changes what was done, empty when nothing
     */
    public record EnsuredRole(String arn, Outcome.Result result, List<String> changes) {
        public EnsuredRole {
            changes = List.copyOf(changes);
        }

        public boolean changed() {
            return result == Outcome.Result.CREATED || result == Outcome.Result.UPDATED;
        }

        String summary(String name) {
            return switch (result) {
                case CREATED -> "role \"" + name + "\" created";
                case UPDATED -> "role \"" + name + "\" updated (" + String.join("; ", changes) + ")";
                default -> "role \"" + name + "\" unchanged";
            };
        }
    }

    /** Ensures the role for a cluster, reading before writing; see the class comment. */
    public EnsuredRole ensure(String cluster, DesiredRole desired) {
        return ensure(cluster, desired, Preflight.READ_FIRST);
    }

    /** Ensures the role for a cluster; with TRUST_PLAN a role to create is created without a GetRole first. */
    public EnsuredRole ensure(String cluster, DesiredRole desired, Preflight preflight) {
        return switch (desired.mode()) {
            case USE_EXISTING -> new EnsuredRole(desired.arn(), Outcome.Result.UNCHANGED, List.of());
            case CREATE -> create(cluster, desired, preflight);
            case UPDATE_PERMISSIONS, UPDATE_TRUST -> {
                IamRoles.IamRole role = iam.getRole(desired.name()).orElseThrow(() -> new NotFoundException(
                        "role \"" + desired.name() + "\" does not exist; it cannot be converged"));
                yield converge(cluster, desired, role);
            }
        };
    }

    /** The same as an {@link Outcome} for the step {@code stepId}. */
    public Outcome ensure(String stepId, String cluster, DesiredRole desired) {
        EnsuredRole role = ensure(cluster, desired);
        return Outcome.of(stepId, role.result(), role.summary(desired.name()), role.arn());
    }

    private EnsuredRole create(String cluster, DesiredRole desired, Preflight preflight) {
        Optional<IamRoles.IamRole> existing = preflight == Preflight.READ_FIRST ? iam.getRole(desired.name())
                : Optional.empty();
        if (existing.isEmpty()) {
            checkInlineSize(desired);
            Partition partition = partitionOf(desired.arn());
            String trust = scopedStatement(cluster, desired)
                    .map(st -> PolicyDocument.of(st))
                    .orElseGet(() -> TrustPolicies.podIdentityTrustPolicy(partition)).toJson();
            boolean created = iam.createRole(new IamRoles.NewRole(desired.name(), desired.path(), trust,
                    desired.permissionsBoundaryArn(), desired.tags(),
                    "EKS Pod Identity role created by pod-identity-autopilot for cluster " + cluster));
            if (created) {
                desired.managedPolicyArns().forEach(arn -> iam.attachPolicy(desired.name(), arn));
                desired.inlinePolicies().forEach((name, doc) -> iam.putInlinePolicy(desired.name(), name, doc));
                return new EnsuredRole(desired.arn(), Outcome.Result.CREATED, List.of("created"));
            }
            // EntityAlreadyExists: created meanwhile, or TRUST_PLAN on a rerun; treat it like a role found by GetRole
            existing = iam.getRole(desired.name());
            if (existing.isEmpty()) {
                throw new RetryableException("role \"" + desired.name() + "\" was reported to exist but cannot be read");
            }
        }
        return converge(cluster, desired, existing.get());
    }

    private EnsuredRole converge(String cluster, DesiredRole desired, IamRoles.IamRole role) {
        if (!OwnershipTags.isOwnedBy(role.tags(), cluster)) {
            throw new NotOwnedException("role \"" + role.name() + "\" already exists and was not created by "
                    + "pod-identity-autopilot for cluster \"" + cluster + "\" (owner: "
                    + OwnershipTags.owner(role.tags()) + "); it is left as it is. Name it with roleARN to use it "
                    + "unchanged, or choose another roleName");
        }
        String name = role.name();
        List<String> changes = new ArrayList<>();

        PolicyDocument trust = PolicyDocument.parse(role.trustPolicyJson());
        Optional<Statement> scoped = TrustPolicies.scopedPodIdentityStatement(desired.arn(), cluster, desired.tags());
        PolicyDocument updated = TrustPolicies.convergedOwnedTrust(trust, partitionOf(role.arn()), scoped,
                desired.scopedTrust());
        if (!updated.equals(trust)) {
            PolicySize.problem(updated, PolicyLimit.TRUST_POLICY).ifPresent(p -> {
                throw new InvalidInputException("role \"" + name + "\": " + p);
            });
            iam.updateTrustPolicy(name, updated.toJson());
            changes.add(desired.scopedTrust() && scoped.isPresent()
                    ? "trust: pods.eks.amazonaws.com scoped to cluster " + cluster + " and "
                            + desired.tags().get(OwnershipTags.SERVICE_ACCOUNT)
                    : !TrustPolicies.hasPodIdentityStatement(trust) ? "trust: pods.eks.amazonaws.com statement added"
                    : "trust: pods.eks.amazonaws.com without session-tag conditions (session tags are off)");
        }

        Set<String> attached = new HashSet<>(iam.attachedPolicyArns(name));
        for (String arn : desired.managedPolicyArns()) {
            if (!attached.contains(arn)) {
                iam.attachPolicy(name, arn);
                changes.add("attached " + arn);
            }
        }
        for (String arn : attached) {
            if (!desired.managedPolicyArns().contains(arn)) {
                iam.detachPolicy(name, arn);
                changes.add("detached " + arn);
            }
        }

        checkInlineSize(desired);
        Set<String> inline = new HashSet<>(iam.inlinePolicyNames(name));
        for (Map.Entry<String, String> policy : desired.inlinePolicies().entrySet()) {
            boolean same = inline.contains(policy.getKey())
                    && iam.inlinePolicy(name, policy.getKey()).map(doc -> sameDocument(doc, policy.getValue()))
                            .orElse(false);
            if (!same) {
                iam.putInlinePolicy(name, policy.getKey(), policy.getValue());
                changes.add("inline policy " + policy.getKey() + " put");
            }
        }
        for (String policyName : inline) {
            if (!desired.inlinePolicies().containsKey(policyName)) {
                iam.deleteInlinePolicy(name, policyName);
                changes.add("inline policy " + policyName + " deleted");
            }
        }

        // A boundary is only ever set, never removed: the functions' IAM policy denies DeleteRolePermissionsBoundary,
        // so a deployment that stops configuring one does not loosen the roles it made (an administrator may).
        String boundary = emptyToNull(desired.permissionsBoundaryArn());
        if (boundary != null && !boundary.equals(role.permissionsBoundaryArn())) {
            iam.putPermissionsBoundary(name, boundary);
            changes.add("permissions boundary " + boundary);
        }

        Map<String, String> missingTags = new LinkedHashMap<>();
        desired.tags().forEach((k, v) -> {
            if (!v.equals(role.tags().get(k))) {
                missingTags.put(k, v);
            }
        });
        if (!missingTags.isEmpty()) {
            iam.tagRole(name, missingTags);
            changes.add("tags " + missingTags.keySet());
        }
        return new EnsuredRole(role.arn(), changes.isEmpty() ? Outcome.Result.UNCHANGED : Outcome.Result.UPDATED,
                changes);
    }

    /**
     * The trust statement of a role made for one service account of one cluster, when its association keeps session
     * tags on; empty for a role without our service-account tag.
     */
    static Optional<Statement> scopedStatement(String cluster, DesiredRole desired) {
        return desired.scopedTrust()
                ? TrustPolicies.scopedPodIdentityStatement(desired.arn(), cluster, desired.tags())
                : Optional.empty();
    }

    private static void checkInlineSize(DesiredRole desired) {
        List<PolicyDocument> docs = desired.inlinePolicies().values().stream().map(PolicyDocument::parse).toList();
        PolicySize.problem(docs, PolicyLimit.ROLE_INLINE_POLICIES).ifPresent(p -> {
            throw new InvalidInputException("role \"" + desired.name() + "\": " + p);
        });
    }

    /** Same policy whatever the formatting: both parsed and written canonically. */
    static boolean sameDocument(String a, String b) {
        try {
            return PolicyDocument.parse(a).toJson().equals(PolicyDocument.parse(b).toJson());
        } catch (RuntimeException unparseable) {
            return a.equals(b);
        }
    }

    static Partition partitionOf(String roleArn) {
        return Arns.role(roleArn).orElseThrow().arn().partition();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

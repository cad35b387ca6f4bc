package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.policy.PolicyDocument;
import dev.podidentity.autopilot.policy.PolicyLimit;
import dev.podidentity.autopilot.policy.PolicySize;
import dev.podidentity.autopilot.policy.TrustPolicies;
import dev.podidentity.autopilot.port.IamRoles;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Edits a role's live trust policy for pod identity: adds the pods.eks.amazonaws.com statement once (an existing
 * one, with or without conditions, counts), drops the trust of one OIDC provider when asked, keeps every other
 * statement as it was, and writes only when the document changed. Whoever owns the role (us, eksctl, anyone),
 * only its trust policy is touched, never its permissions: that is all migration needs.
 */
public final class TrustPolicyUpdater {
    private final IamRoles iam;

    public TrustPolicyUpdater(IamRoles iam) {
        this.iam = Objects.requireNonNull(iam, "iam");
    }

    public Outcome update(String cluster, Step.UpdateTrustPolicy step) {
        IamRoles.IamRole role = iam.getRole(step.roleName()).orElseThrow(() -> new NotFoundException(
                "role \"" + step.roleName() + "\" does not exist; its trust policy cannot be updated"));
        PolicyDocument current = PolicyDocument.parse(role.trustPolicyJson());
        PolicyDocument updated = current;
        List<String> changes = new ArrayList<>();
        if (step.addPodIdentityStatement() && !TrustPolicies.hasPodIdentityStatement(current)) {
            updated = TrustPolicies.withPodIdentityStatement(updated, RoleEnsurer.partitionOf(role.arn()));
            changes.add("pods.eks.amazonaws.com statement added");
        }
        if (step.removeOidcProviderArn() != null && !step.removeOidcProviderArn().isEmpty()) {
            PolicyDocument without = TrustPolicies.withoutOidcStatements(updated, step.removeOidcProviderArn());
            if (!without.equals(updated)) {
                changes.add("trust of " + step.removeOidcProviderArn() + " removed");
            }
            updated = without;
        }
        if (changes.isEmpty()) {
            return Outcome.of(step.id(), Outcome.Result.UNCHANGED, "trust policy of role \"" + role.name()
                    + "\" already as asked", role.arn());
        }
        if (updated.statements().isEmpty()) {
            throw new ConflictException("trust policy of role \"" + role.name() + "\" would have no statement left; "
                    + "it is left as it is");
        }
        PolicySize.problem(updated, PolicyLimit.TRUST_POLICY).ifPresent(p -> {
            throw new InvalidInputException("role \"" + role.name() + "\": " + p
                    + " (the quota can be raised to 8,192 in Service Quotas)");
        });
        iam.updateTrustPolicy(role.name(), updated.toJson());
        return Outcome.of(step.id(), Outcome.Result.UPDATED, "trust policy of role \"" + role.name() + "\": "
                + String.join("; ", changes) + " (owner " + step.roleOwner() + ")", role.arn());
    }
}

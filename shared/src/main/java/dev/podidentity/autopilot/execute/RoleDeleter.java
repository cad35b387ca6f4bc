package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.NotOwnedException;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Deletes roles we own, and only those: ownership is read from the role's live tags (ours and for this cluster)
 * right before, and checked by callers before they change anything else, so a refusal leaves everything as it was.
 * A role of ours that anything in the account and region still uses ({@link RoleUsage}) is kept, and the outcome
 * says by what.
 */
final class RoleDeleter {
    private final IamRoles iam;
    private final RoleUsage usage;

    RoleDeleter(IamRoles iam, EksApi eks) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.usage = new RoleUsage(eks, Clock.systemUTC());
    }

    /**
     * Why the role must stay: what uses it, other than the association {@code ownAssociationId} of {@code cluster}
     * and the associations of addon {@code ownAddon} there (either may be null); empty when it may go.
     */
    Optional<String> keptBecause(String roleArn, String cluster, String ownAssociationId, String ownAddon) {
        return usage.firstUse(roleArn, cluster, ownAssociationId, ownAddon)
                .map(use -> "role \"" + Arns.role(roleArn).toOptional().map(r -> r.name()).orElse(roleArn) + "\" kept: "
                        + use + " uses it");
    }

    /**
     * The role to delete, empty when it is already gone.
     *
     * @throws NotOwnedException when its tags do not say we created it for this cluster
     */
    Optional<IamRoles.IamRole> requireOwned(String cluster, String roleArn) {
        String name = Arns.role(roleArn).orElseThrow().name();
        Optional<IamRoles.IamRole> role = iam.getRole(name);
        role.ifPresent(r -> {
            if (!OwnershipTags.isOwnedBy(r.tags(), cluster)) {
                throw new NotOwnedException("role \"" + name + "\" was not created by pod-identity-autopilot for "
                        + "cluster \"" + cluster + "\" (owner: " + OwnershipTags.owner(r.tags()) + "); it is not deleted");
            }
        });
        return role;
    }

    /** Detaches and deletes its policies, then deletes it; false when it was gone already. */
    boolean delete(IamRoles.IamRole role) {
        for (int attempt = 1; ; attempt++) {
            iam.attachedPolicyArns(role.name()).forEach(arn -> iam.detachPolicy(role.name(), arn));
            iam.inlinePolicyNames(role.name()).forEach(p -> iam.deleteInlinePolicy(role.name(), p));
            try {
                return iam.deleteRole(role.name());
            } catch (IamRoles.DeleteConflictException e) {
                // a policy attached between our listing and the delete; list again once, then report it
                if (attempt == 2) {
                    throw new ConflictException("role \"" + role.name() + "\" cannot be deleted: " + e.getMessage());
                }
            }
        }
    }
}

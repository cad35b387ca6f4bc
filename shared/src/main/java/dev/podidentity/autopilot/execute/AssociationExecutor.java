package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import dev.podidentity.autopilot.port.KubernetesPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Standalone pod identity associations: create (with its role), update, migrate, delete (with its role when we own
 * it). Each reads before it writes, so a rerun of a done step reports UNCHANGED without a write call; an association
 * another role already holds is a conflict, never overwritten. Addon-owned associations are refused here: they are
 * changed only through their addon.
 */
public final class AssociationExecutor {
    private final EksApi eks;
    private final IamRoles iam;
    private final RoleEnsurer roles;
    private final RoleDeleter roleDeleter;
    private final KubernetesPort kubernetes;
    private final ExecutorSettings settings;

    public AssociationExecutor(EksApi eks, IamRoles iam, KubernetesPort kubernetes, ExecutorSettings settings) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.iam = Objects.requireNonNull(iam, "iam");
        this.roles = new RoleEnsurer(iam);
        this.roleDeleter = new RoleDeleter(iam, eks);
        this.kubernetes = Objects.requireNonNull(kubernetes, "kubernetes");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Ensure the role, then create the association (or update it when the step names one); reads first. */
    public Outcome ensure(String cluster, Step.EnsureRoleAndAssociation step) {
        return ensure(cluster, step, Preflight.READ_FIRST);
    }

    /** As {@link #ensure(String, Step.EnsureRoleAndAssociation)}, choosing whether to read before creating. */
    public Outcome ensure(String cluster, Step.EnsureRoleAndAssociation step, Preflight preflight) {
        RoleEnsurer.EnsuredRole role = roles.ensure(cluster, step.role(), preflight);
        List<String> parts = new ArrayList<>();
        parts.add(role.summary(step.role().name()));
        if (step.createServiceAccount()) {
            parts.add(kubernetes.createServiceAccount(cluster, step.namespace(), step.serviceAccount()).reason());
        }
        boolean justCreated = role.result() == Outcome.Result.CREATED;
        Change association = step.associationId() != null
                ? updateExisting(cluster, step.associationId(), new EksApi.AssociationChange(role.arn(),
                        step.targetRoleArn(), step.disableSessionTags(), step.policy()), justCreated)
                : createOrAdopt(cluster, new EksApi.NewAssociation(step.namespace(), step.serviceAccount(),
                        role.arn(), step.targetRoleArn(), step.disableSessionTags(), step.policy(), step.tags()),
                        preflight, justCreated);
        parts.add(association.reason());
        Outcome.Result result = association.result() == Outcome.Result.CREATED ? Outcome.Result.CREATED
                : association.result() == Outcome.Result.UPDATED || role.changed() ? Outcome.Result.UPDATED
                : Outcome.Result.UNCHANGED;
        return Outcome.of(step.id(), result, String.join("; ", parts), association.arn());
    }

    /** UpdatePodIdentityAssociation with the fields that differ from the live association (none: unchanged). */
    public Outcome update(String cluster, Step.UpdateAssociation step) {
        Change change = updateExisting(cluster, step.associationId(), new EksApi.AssociationChange(step.roleArn(),
                step.targetRoleArn(), step.disableSessionTags(), step.policy()), false);
        return Outcome.of(step.id(), change.result(), change.reason(), change.arn());
    }

    /** Give an IRSA service account an association with the role it already has; one with that role is success. */
    public Outcome migrate(String cluster, Step.MigrateServiceAccount step) {
        return migrate(cluster, step, Preflight.READ_FIRST);
    }

    public Outcome migrate(String cluster, Step.MigrateServiceAccount step, Preflight preflight) {
        Change change = createOrAdopt(cluster, new EksApi.NewAssociation(step.namespace(), step.serviceAccount(),
                step.roleArn(), null, null, null, step.tags()), preflight, false);
        return Outcome.of(step.id(), change.result(), change.reason(), change.arn());
    }

    /**
     * Delete the association (already gone counts as done), then the service account if we created it, then its role
     * when the step names one and the role's tags say we made it for this cluster. Ownership is checked before
     * anything is deleted. Offboarding (no association id: the cluster is gone) touches no service account.
     */
    public Outcome delete(String cluster, Step.DeleteAssociation step) {
        Optional<IamRoles.IamRole> role = step.deleteRoleArn() == null || step.deleteRoleArn().isEmpty()
                ? Optional.empty() : roleDeleter.requireOwned(cluster, step.deleteRoleArn());
        List<String> parts = new ArrayList<>();
        boolean deleted = false;
        String arn = null;
        if (step.associationId() != null) {
            Optional<ClusterState.Association> current = eks.describeAssociation(cluster, step.associationId());
            if (current.isPresent()) {
                ClusterState.Association a = current.get();
                arn = a.associationArn();
                refuseAddonOwned(a);
                if (!a.key().equals(step.namespace() + "/" + step.serviceAccount())) {
                    throw new ConflictException("association " + a.associationId() + " is for " + a.key() + ", not "
                            + step.namespace() + "/" + step.serviceAccount() + "; nothing deleted");
                }
                deleted = eks.deleteAssociation(cluster, a.associationId());
            }
            parts.add(deleted ? "association " + step.associationId() + " deleted"
                    : "association " + step.associationId() + " already gone");
            // Only a service account we created goes (by its label); the port leaves anyone else's alone.
            KubernetesPort.Result sa = kubernetes.deleteServiceAccount(cluster, step.namespace(), step.serviceAccount());
            deleted |= sa.changed();
            parts.add(sa.reason());
        }
        Optional<String> kept = role.flatMap(r -> roleDeleter.keptBecause(r.arn(), cluster, step.associationId(), null));
        if (kept.isPresent()) {
            parts.add(kept.get());
        } else if (role.isPresent()) {
            boolean roleDeleted = roleDeleter.delete(role.get());
            deleted |= roleDeleted;
            parts.add("role \"" + role.get().name() + "\" " + (roleDeleted ? "deleted" : "already gone"));
        } else if (step.deleteRoleArn() != null && !step.deleteRoleArn().isEmpty()) {
            parts.add("role " + step.deleteRoleArn() + " already gone");
        }
        return Outcome.of(step.id(), deleted ? Outcome.Result.DELETED : Outcome.Result.UNCHANGED,
                String.join("; ", parts), arn != null ? arn : step.deleteRoleArn());
    }

    /** What happened to the association; arn is its ARN. */
    record Change(Outcome.Result result, String reason, String arn) {
    }

    private Change createOrAdopt(String cluster, EksApi.NewAssociation request, Preflight preflight,
                                 boolean roleJustCreated) {
        String key = request.namespace() + "/" + request.serviceAccount();
        Optional<EksApi.AssociationRef> existing = preflight == Preflight.READ_FIRST ? first(cluster, request)
                : Optional.empty();
        if (existing.isPresent()) {
            return adopt(cluster, existing.get(), request);
        }
        EksApi.CreateResult result = PropagationRetry.call(settings, "create association " + key,
                () -> eks.createAssociation(cluster, request), roleMustExist(request.roleArn(), roleJustCreated, key));
        return switch (result) {
            case EksApi.CreateResult.Created created -> new Change(Outcome.Result.CREATED,
                    "association " + created.association().associationId() + " created",
                    created.association().associationArn());
            case EksApi.CreateResult.AlreadyExists exists -> {
                // created concurrently, or a deleted one is still propagating: look again
                Optional<EksApi.AssociationRef> now = first(cluster, request);
                if (now.isEmpty()) {
                    throw new RetryableException("association " + key + ": EKS says it exists but does not list it "
                            + "(a deletion still propagating): " + exists.message());
                }
                yield adopt(cluster, now.get(), request);
            }
        };
    }

    private Optional<EksApi.AssociationRef> first(String cluster, EksApi.NewAssociation request) {
        return eks.listAssociations(cluster, request.namespace(), request.serviceAccount()).stream()
                .filter(a -> a.namespace().equals(request.namespace())
                        && a.serviceAccount().equals(request.serviceAccount()))
                .findFirst();
    }

    private Change adopt(String cluster, EksApi.AssociationRef ref, EksApi.NewAssociation request) {
        if (ref.ownerArn() != null && !ref.ownerArn().isEmpty()) {
            throw new ConflictException("service account " + ref.key() + " already has association "
                    + ref.associationId() + " owned by addon " + ref.ownerArn() + "; change it through the addon");
        }
        ClusterState.Association current = eks.describeAssociation(cluster, ref.associationId())
                .orElseThrow(() -> new RetryableException("association " + ref.associationId() + " vanished while "
                        + "being read"));
        if (!Objects.equals(current.roleArn(), request.roleArn())) {
            throw new ConflictException("service account " + ref.key() + " already has association "
                    + current.associationId() + " with role " + current.roleArn() + ", not the requested role "
                    + request.roleArn() + "; it is not overwritten (update it, or delete it first)");
        }
        EksApi.AssociationChange change = diff(current, new EksApi.AssociationChange(null, request.targetRoleArn(),
                request.disableSessionTags(), request.policy()));
        if (change.isEmpty()) {
            return new Change(Outcome.Result.UNCHANGED, "association " + current.associationId()
                    + " already exists with this role", current.associationArn());
        }
        PropagationRetry.call(settings, "update association " + ref.key(),
                () -> eks.updateAssociation(cluster, current.associationId(), change));
        return new Change(Outcome.Result.UPDATED, "association " + current.associationId() + " existed with this "
                + "role; " + describe(change) + " updated", current.associationArn());
    }

    private Change updateExisting(String cluster, String associationId, EksApi.AssociationChange wanted,
                                  boolean roleJustCreated) {
        ClusterState.Association current = eks.describeAssociation(cluster, associationId)
                .orElseThrow(() -> new NotFoundException("pod identity association " + associationId
                        + " does not exist (any more) on cluster \"" + cluster + "\""));
        refuseAddonOwned(current);
        EksApi.AssociationChange change = diff(current, wanted);
        if (change.isEmpty()) {
            return new Change(Outcome.Result.UNCHANGED, "association " + associationId + " already as asked",
                    current.associationArn());
        }
        PropagationRetry.call(settings, "update association " + current.key(),
                () -> eks.updateAssociation(cluster, associationId, change),
                roleMustExist(change.roleArn(), roleJustCreated, current.key()));
        return new Change(Outcome.Result.UPDATED, "association " + associationId + ": " + describe(change)
                + " updated", current.associationArn());
    }

    /**
     * EKS answers "Role provided in the request does not exist" both for a role IAM has not propagated yet and for a
     * role that does not exist at all. Only a role this step has just created is worth waiting for; for a role the
     * config names, IAM is asked once, and a role IAM does not have either fails the step now instead of after
     * minutes of retries that cannot succeed.
     */
    private Runnable roleMustExist(String roleArn, boolean roleJustCreated, String key) {
        if (roleJustCreated || roleArn == null || roleArn.isEmpty()) {
            return () -> { };
        }
        return () -> {
            if (iam.getRole(roleArn.substring(roleArn.lastIndexOf('/') + 1)).isEmpty()) {
                throw new NotFoundException("association " + key + ": role " + roleArn + " does not exist in IAM; "
                        + "create it or name another role in roleARN");
            }
        };
    }

    private static void refuseAddonOwned(ClusterState.Association a) {
        if (a.ownedByAddon()) {
            throw new ConflictException("association " + a.associationId() + " (" + a.key() + ") is owned by addon "
                    + a.ownerArn() + "; it is changed only through the addon");
        }
    }

    /** The fields of {@code wanted} that differ from the live association; null fields are not compared. */
    static EksApi.AssociationChange diff(ClusterState.Association current, EksApi.AssociationChange wanted) {
        String role = wanted.roleArn() != null && !wanted.roleArn().equals(current.roleArn()) ? wanted.roleArn() : null;
        String target = wanted.targetRoleArn() != null
                && !nullToEmpty(wanted.targetRoleArn()).equals(nullToEmpty(current.targetRoleArn()))
                ? wanted.targetRoleArn() : null;
        Boolean tags = wanted.disableSessionTags() != null
                && wanted.disableSessionTags() != Boolean.TRUE.equals(current.disableSessionTags())
                ? wanted.disableSessionTags() : null;
        String policy = wanted.policy() != null && !samePolicy(wanted.policy(), current.policy())
                ? wanted.policy() : null;
        return new EksApi.AssociationChange(role, target, tags, policy);
    }

    private static boolean samePolicy(String wanted, String current) {
        if (nullToEmpty(wanted).isEmpty() || nullToEmpty(current).isEmpty()) {
            return nullToEmpty(wanted).isEmpty() && nullToEmpty(current).isEmpty();
        }
        return RoleEnsurer.sameDocument(wanted, current);
    }

    private static String describe(EksApi.AssociationChange c) {
        List<String> fields = new ArrayList<>();
        if (c.roleArn() != null) {
            fields.add("roleArn");
        }
        if (c.targetRoleArn() != null) {
            fields.add("targetRoleArn");
        }
        if (c.disableSessionTags() != null) {
            fields.add("disableSessionTags");
        }
        if (c.policy() != null) {
            fields.add("policy");
        }
        return String.join(", ", fields);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}

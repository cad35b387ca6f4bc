package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Addons with their pod identities: create, update, migrate from IRSA, delete. Roles are ensured first (through
 * {@link RoleEnsurer}); the addon's associations are only ever changed through CreateAddon / UpdateAddon /
 * DeleteAddon, never directly. Roles listed for deletion are deleted only when their tags say we own them, and
 * that is checked before the addon is touched.
 */
public final class AddonExecutor {
    private final EksApi eks;
    private final RoleEnsurer roles;
    private final RoleDeleter roleDeleter;
    private final AddonWatch watch;
    private final ExecutorSettings settings;

    public AddonExecutor(EksApi eks, IamRoles iam, ExecutorSettings settings) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.roles = new RoleEnsurer(iam);
        this.roleDeleter = new RoleDeleter(iam, eks);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.watch = new AddonWatch(eks, settings);
    }

    /** Ensure the roles, CreateAddon with its pod identity associations, wait (bounded) for it to settle. */
    public Outcome create(String cluster, Step.CreateAddon step) {
        Optional<EksApi.Addon> existing = eks.describeAddon(cluster, step.name());
        if (existing.isPresent()) {
            AddonStatus status = statusOf(existing.get());
            if (status.failed()) {
                throw new ConflictException(status.describe() + "; delete it before creating it again");
            }
            // Still being created (by this step's earlier attempt or by someone else): it counts once it is ACTIVE.
            status = status.inProgress() ? watch.awaitSettled(cluster, step.name()) : status;
            return Outcome.of(step.id(), Outcome.Result.UNCHANGED, "addon \"" + step.name() + "\" already installed ("
                    + status.status() + ")", existing.get().arn());
        }
        List<String> parts = new ArrayList<>();
        List<EksApi.AddonIdentityRef> identities = ensureRoles(cluster, step.podIdentityAssociations(), parts);
        EksApi.AddonRequest request = new EksApi.AddonRequest(step.name(), emptyOrLatestToNull(step.version()),
                step.serviceAccountRoleArn(), step.configurationValues(), step.resolveConflicts(), step.tags(),
                identities.isEmpty() ? null : identities, step.namespace());
        boolean created = PropagationRetry.call(settings, "create addon " + step.name(),
                () -> eks.createAddon(cluster, request));
        AddonStatus status = watch.awaitSettled(cluster, step.name());
        parts.add("addon \"" + step.name() + "\" " + (created ? "created" : "created meanwhile") + " ("
                + status.status() + ")" + (identities.isEmpty() ? "" : " with " + identities.size()
                + " pod identity association(s)"));
        return Outcome.of(step.id(), created ? Outcome.Result.CREATED : Outcome.Result.UNCHANGED,
                String.join("; ", parts), status.arn());
    }

    /**
     * Ensure the roles, UpdateAddon with what differs (version, configuration, IRSA role, the complete set of pod
     * identity associations), then delete the roles of removed service accounts that we own.
     */
    public Outcome update(String cluster, Step.UpdateAddon step) {
        List<IamRoles.IamRole> toDelete = ownedRoles(cluster, step.deleteRoleArns());
        EksApi.Addon current = eks.describeAddon(cluster, step.name()).orElseThrow(() -> new NotFoundException(
                "addon \"" + step.name() + "\" is not installed on cluster \"" + cluster + "\""));
        List<String> parts = new ArrayList<>();
        List<EksApi.AddonIdentityRef> identities = step.podIdentityAssociations() == null ? null
                : ensureRoles(cluster, step.podIdentityAssociations(), parts);
        boolean rolesChanged = !parts.isEmpty(); // ensureRoles reports only roles it created or changed
        String version = differs(emptyOrLatestToNull(step.version()), current.version());
        String configuration = differs(step.configurationValues(), current.configurationValues());
        String irsaRole = step.serviceAccountRoleArn() == null ? null
                : differs(step.serviceAccountRoleArn(), nullToEmpty(current.serviceAccountRoleArn()));
        List<EksApi.AddonIdentityRef> sentIdentities = identities != null
                && !asMap(identities).equals(liveIdentities(cluster, current)) ? identities : null;
        boolean changed = version != null || configuration != null || irsaRole != null || sentIdentities != null;
        if (changed) {
            EksApi.AddonRequest request = new EksApi.AddonRequest(step.name(), version, irsaRole, configuration,
                    step.resolveConflicts(), null, sentIdentities);
            PropagationRetry.call(settings, "update addon " + step.name(), () -> {
                eks.updateAddon(cluster, request);
                return null;
            });
            AddonStatus status = watch.awaitSettled(cluster, step.name());
            parts.add("addon \"" + step.name() + "\" updated (" + changedFields(version, configuration, irsaRole,
                    sentIdentities) + "; " + status.status() + ")");
        } else {
            parts.add("addon \"" + step.name() + "\" already as asked");
        }
        boolean deleted = deleteRoles(cluster, step.name(), toDelete, parts);
        Outcome.Result result = changed || deleted || rolesChanged ? Outcome.Result.UPDATED : Outcome.Result.UNCHANGED;
        return Outcome.of(step.id(), result, String.join("; ", parts), current.arn());
    }

    /**
     * Move an addon from IRSA to pod identity: UpdateAddon at its current version with its one service account and
     * the role it already uses (whose trust was updated in TRUST). Already so: unchanged.
     */
    public Outcome migrate(String cluster, Step.MigrateAddon step) {
        EksApi.Addon current = eks.describeAddon(cluster, step.name()).orElseThrow(() -> new NotFoundException(
                "addon \"" + step.name() + "\" is not installed on cluster \"" + cluster + "\""));
        Map<String, String> live = liveIdentities(cluster, current);
        if (step.roleArn().equals(live.get(step.serviceAccount()))) {
            return Outcome.of(step.id(), Outcome.Result.UNCHANGED, "addon \"" + step.name() + "\" already uses pod "
                    + "identity for " + step.serviceAccount(), current.arn());
        }
        EksApi.AddonRequest request = new EksApi.AddonRequest(step.name(), null, null, null, null, null,
                List.of(new EksApi.AddonIdentityRef(step.serviceAccount(), step.roleArn())));
        PropagationRetry.call(settings, "migrate addon " + step.name(), () -> {
            eks.updateAddon(cluster, request);
            return null;
        });
        AddonStatus status = watch.awaitSettled(cluster, step.name());
        return Outcome.of(step.id(), Outcome.Result.UPDATED, "addon \"" + step.name() + "\" migrated to pod identity: "
                + step.serviceAccount() + " -> " + step.roleArn() + " (" + status.status() + ")", current.arn());
    }

    /** DeleteAddon (EKS deletes the associations it owns unless preserve), then the roles we created for it. */
    public Outcome delete(String cluster, Step.DeleteAddon step) {
        List<IamRoles.IamRole> toDelete = ownedRoles(cluster, step.deleteRoleArns());
        List<String> parts = new ArrayList<>();
        Optional<EksApi.Addon> current = eks.describeAddon(cluster, step.name());
        boolean deleted = current.isPresent() && eks.deleteAddon(cluster, step.name(), step.preserve());
        parts.add("addon \"" + step.name() + "\" " + (deleted ? "deleted" + (step.preserve()
                ? " (its pod identity associations preserved)" : "") : "already gone"));
        // preserved associations keep using their roles: those are not the addon's own any more
        deleted |= deleteRoles(cluster, step.preserve() ? null : step.name(), toDelete, parts);
        return Outcome.of(step.id(), deleted ? Outcome.Result.DELETED : Outcome.Result.UNCHANGED,
                String.join("; ", parts), current.map(EksApi.Addon::arn).orElse(null));
    }

    private List<EksApi.AddonIdentityRef> ensureRoles(String cluster, List<Step.AddonIdentity> identities,
                                                      List<String> parts) {
        List<EksApi.AddonIdentityRef> refs = new ArrayList<>();
        for (Step.AddonIdentity identity : identities) {
            RoleEnsurer.EnsuredRole role = roles.ensure(cluster, identity.role());
            if (role.changed()) {
                parts.add(role.summary(identity.role().name()));
            }
            refs.add(new EksApi.AddonIdentityRef(identity.serviceAccount(), role.arn()));
        }
        return refs;
    }

    /** Service account → role of the associations the addon owns (a Describe per association). */
    private Map<String, String> liveIdentities(String cluster, EksApi.Addon addon) {
        Map<String, String> live = new TreeMap<>();
        for (String arn : addon.podIdentityAssociationArns()) {
            String id = arn.substring(arn.lastIndexOf('/') + 1);
            eks.describeAssociation(cluster, id).ifPresent(a -> live.put(a.serviceAccount(), a.roleArn()));
        }
        return live;
    }

    private List<IamRoles.IamRole> ownedRoles(String cluster, List<String> roleArns) {
        List<IamRoles.IamRole> owned = new ArrayList<>();
        roleArns.forEach(arn -> roleDeleter.requireOwned(cluster, arn).ifPresent(owned::add));
        return owned;
    }

    /** Deletes the roles nothing else uses; the associations of {@code ownAddon} on the cluster do not count. */
    private boolean deleteRoles(String cluster, String ownAddon, List<IamRoles.IamRole> toDelete, List<String> parts) {
        boolean any = false;
        for (IamRoles.IamRole role : toDelete) {
            Optional<String> kept = roleDeleter.keptBecause(role.arn(), cluster, null, ownAddon);
            if (kept.isPresent()) {
                parts.add(kept.get());
                continue;
            }
            boolean deleted = roleDeleter.delete(role);
            any |= deleted;
            parts.add("role \"" + role.name() + "\" " + (deleted ? "deleted" : "already gone"));
        }
        return any;
    }

    private static Map<String, String> asMap(List<EksApi.AddonIdentityRef> refs) {
        Map<String, String> map = new TreeMap<>();
        refs.forEach(r -> map.put(r.serviceAccount(), r.roleArn()));
        return map;
    }

    private static AddonStatus statusOf(EksApi.Addon a) {
        return new AddonStatus(a.name(), a.arn(), a.status(),
                a.issues().stream().map(EksApi.HealthIssue::toString).toList());
    }

    private static String changedFields(String version, String configuration, String irsaRole,
                                        List<EksApi.AddonIdentityRef> identities) {
        List<String> fields = new ArrayList<>();
        if (version != null) {
            fields.add("version " + version);
        }
        if (configuration != null) {
            fields.add("configurationValues");
        }
        if (irsaRole != null) {
            fields.add("serviceAccountRoleArn");
        }
        if (identities != null) {
            fields.add(identities.size() + " pod identity association(s)");
        }
        return String.join(", ", fields);
    }

    /** The wanted value when it is set and differs from the live one; null otherwise (not sent). */
    private static String differs(String wanted, String live) {
        return wanted != null && !wanted.equals(live) ? wanted : null;
    }

    private static String emptyOrLatestToNull(String version) {
        return version == null || version.isEmpty() || "latest".equals(version) ? null : version;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}

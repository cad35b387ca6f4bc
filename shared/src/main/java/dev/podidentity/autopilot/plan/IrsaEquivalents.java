package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.Iam;
import dev.podidentity.autopilot.config.IrsaServiceAccount;
import dev.podidentity.autopilot.config.Metadata;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * eksctl creates OIDC-trusted roles for {@code iam.serviceAccounts} and for an addon's IRSA policies; a pod
 * identity tool does not. It is never silent about them: each entry gets a warning naming its pod identity
 * equivalent, and with {@link Metadata#IRSA_AS_POD_IDENTITY_ANNOTATION} the equivalent is applied (docs/eksctl-
 * differences.md).
 */
final class IrsaEquivalents {
    private IrsaEquivalents() {
    }

    /** The actions that would create what eksctl creates from these entries. */
    static boolean concerns(Action action) {
        return action == Action.APPLY || action == Action.ONBOARD || action == Action.CREATE;
    }

    static boolean optedIn(ClusterConfig config) {
        return config.metadata() != null && config.metadata().irsaAsPodIdentity();
    }

    /** The association equivalent to an IRSA service account: the same role, or the same permissions. */
    static PodIdentityAssociationSpec equivalent(IrsaServiceAccount sa) {
        boolean role = sa.attachRoleARN() != null && !sa.attachRoleARN().isEmpty();
        return new PodIdentityAssociationSpec(sa.effectiveNamespace(), sa.name(), null,
                role ? sa.attachRoleARN() : null,
                role ? null : sa.roleName(),
                role ? null : sa.attachPolicy(), null,
                role ? List.of() : sa.attachPolicyARNs(),
                role ? Set.of() : sa.wellKnownPolicies(),
                role ? null : sa.permissionsBoundary(),
                sa.tags(), null, null, null);
    }

    /**
     * The config with the equivalents added to {@code iam.podIdentityAssociations} when it opts in (service
     * accounts it already declares there are left to that entry); otherwise the config as it is.
     */
    static ClusterConfig effective(ClusterConfig config, Action action) {
        if (!concerns(action) || !optedIn(config) || config.iam().serviceAccounts().isEmpty()) {
            return config;
        }
        List<PodIdentityAssociationSpec> pias = new ArrayList<>(config.iam().podIdentityAssociations());
        Set<String> declared = new HashSet<>();
        pias.forEach(p -> declared.add(p.key()));
        for (IrsaServiceAccount sa : config.iam().serviceAccounts()) {
            if (sa.name() != null && declared.add(sa.key())) {
                pias.add(equivalent(sa));
            }
        }
        Iam iam = new Iam(config.iam().withOIDC(), pias, config.iam().serviceAccounts());
        return new ClusterConfig(config.apiVersion(), config.kind(), config.metadata(), iam, config.addons(),
                config.addonsConfig(), config.autoModeConfig(), config.ipFamily(), config.source());
    }

    /** One warning per {@code iam.serviceAccounts} entry. */
    static void warnServiceAccounts(Draft draft) {
        List<IrsaServiceAccount> sas = draft.config.iam().serviceAccounts();
        boolean applied = optedIn(draft.config);
        for (int i = 0; i < sas.size(); i++) {
            IrsaServiceAccount sa = sas.get(i);
            String p = "iam.serviceAccounts[" + i + "] (" + sa.key() + ")";
            String equivalent = "iam.podIdentityAssociations entry " + describe(equivalent(sa));
            draft.warn(applied
                    ? p + ": applied as its pod identity equivalent, " + equivalent + " (metadata.annotations[\""
                    + Metadata.IRSA_AS_POD_IDENTITY_ANNOTATION + "\"] is \"true\")"
                    : p + ": IRSA roles are eksctl's to create, not pod identity autopilot's; nothing is done for "
                    + "it. Its pod identity equivalent is the " + equivalent + "; write that, or set metadata."
                    + "annotations[\"" + Metadata.IRSA_AS_POD_IDENTITY_ANNOTATION + "\"]: \"true\" to apply it");
        }
    }

    /** The addon's IRSA policies as one service account's pod identity: null when that is not one account. */
    static PodIdentityAssociationSpec addonEquivalent(Addon addon, ClusterState.AddonSupport support) {
        if (support == null || support.podIdentityConfiguration().size() != 1) {
            return null;
        }
        String sa = support.podIdentityConfiguration().get(0).serviceAccount();
        return new PodIdentityAssociationSpec(null, sa, null, null, null, addon.attachPolicy(), null,
                addon.attachPolicyARNs(), addon.wellKnownPolicies(), addon.permissionsBoundary(), null, null, null,
                null);
    }

    /** The warning for an addon's IRSA policies (attachPolicyARNs, attachPolicy, wellKnownPolicies). */
    static String addonWarning(Addon addon, PodIdentityAssociationSpec equivalent, boolean applied) {
        String what = "addon \"" + addon.name() + "\": IRSA policies (attachPolicyARNs, attachPolicy, wellKnownPolicies)";
        if (applied) {
            return what + " applied as pod identity for service account \"" + equivalent.serviceAccountName()
                    + "\" (metadata.annotations[\"" + Metadata.IRSA_AS_POD_IDENTITY_ANNOTATION + "\"] is \"true\")";
        }
        String instead = equivalent == null
                ? "useDefaultPodIdentityAssociations: true, or podIdentityAssociations naming each service account"
                : "podIdentityAssociations: [" + describe(equivalent) + "]";
        return what + " create no role here (eksctl creates an OIDC-trusted one); the pod identity equivalent is "
                + instead + (equivalent == null ? "" : "; or set metadata.annotations[\""
                + Metadata.IRSA_AS_POD_IDENTITY_ANNOTATION + "\"]: \"true\" to apply it")
                + "; serviceAccountRoleARN names a role of your own";
    }

    /** The entry in eksctl's flow style. */
    static String describe(PodIdentityAssociationSpec s) {
        List<String> fields = new ArrayList<>();
        if (s.namespace() != null) {
            fields.add("namespace: " + s.namespace());
        }
        fields.add("serviceAccountName: " + s.serviceAccountName());
        if (s.hasRoleArn()) {
            fields.add("roleARN: " + s.roleARN());
        }
        if (!s.permissionPolicyARNs().isEmpty()) {
            fields.add("permissionPolicyARNs: " + s.permissionPolicyARNs());
        }
        if (!s.wellKnownPolicies().isEmpty()) {
            fields.add("wellKnownPolicies: {" + String.join(", ", s.wellKnownPolicies().stream().sorted()
                    .map(k -> k + ": true").toList()) + "}");
        }
        if (s.permissionPolicy() != null) {
            fields.add("permissionPolicy: <the attachPolicy document>");
        }
        if (s.permissionsBoundaryARN() != null) {
            fields.add("permissionsBoundaryARN: " + s.permissionsBoundaryARN());
        }
        return "{" + String.join(", ", fields) + "}";
    }
}

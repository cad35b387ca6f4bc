package dev.podidentity.autopilot.policy;

import dev.podidentity.autopilot.naming.Arn;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.naming.OwnershipTags;
import dev.podidentity.autopilot.naming.Partition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Role trust policies for EKS Pod Identity, and the edits the trust-policy updater makes to existing ones.
 *
 * <p>The pod identity statement is the one the EKS User Guide documents ("Create IAM role with trust policy required
 * by EKS Pod Identity"): Allow, {@code Principal.Service = pods.eks.amazonaws.com},
 * {@code Action = [sts:AssumeRole, sts:TagSession]}, no conditions, with the guide's Sid. eksctl writes the same
 * statement without the Sid; both are recognised.
 */
public final class TrustPolicies {

    /**
     * The EKS Auth service principal. The same name is documented for the China regions (docs.amazonaws.cn) and
     * the commercial partition; GovCloud uses it too, so the partition does not change it.
     */
    public static final String POD_IDENTITY_SERVICE_PRINCIPAL = "pods.eks.amazonaws.com";
    public static final String ASSUME_ROLE = "sts:AssumeRole";
    public static final String TAG_SESSION = "sts:TagSession";
    public static final String ASSUME_ROLE_WITH_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
    /** The Sid of AWS's documented statement; also marks the statement we add. */
    public static final String POD_IDENTITY_SID = "AllowEksAuthToAssumeRoleForPodIdentity";

    private static final String SERVICE_ACCOUNT_SUBJECT_PREFIX = "system:serviceaccount:";

    private TrustPolicies() {
    }

    /** The service principal that assumes pod identity roles in the partition. */
    public static String podIdentityServicePrincipal(Partition partition) {
        Objects.requireNonNull(partition, "partition");
        return POD_IDENTITY_SERVICE_PRINCIPAL;
    }

    /** The pod identity trust statement, exactly as AWS documents it. */
    public static Statement podIdentityStatement(Partition partition) {
        return podIdentityStatement(partition, POD_IDENTITY_SID);
    }

    private static Statement podIdentityStatement(Partition partition, String sid) {
        return Statement.builder()
                .sid(sid)
                .allow()
                .principal(Principal.service(podIdentityServicePrincipal(partition)))
                .actions(ASSUME_ROLE, TAG_SESSION)
                .build();
    }

    /**
     * The pod identity statement narrowed to one cluster and service account, with the condition keys AWS documents
     * for pod identity trust: the session tags EKS Pod Identity sets ({@code eks-cluster-name},
     * {@code kubernetes-namespace}, {@code kubernetes-service-account}) and {@code aws:SourceAccount}. Only valid
     * while the association keeps session tags on.
     *
     * @param namespace null for an addon's service account (its namespace is the addon's)
     */
    public static Statement scopedPodIdentityStatement(Partition partition, String accountId, String cluster,
                                                       String namespace, String serviceAccount) {
        Statement.Builder b = podIdentityStatement(partition, POD_IDENTITY_SID).toBuilder()
                .condition("StringEquals", "aws:SourceAccount", accountId)
                .condition("StringEquals", "aws:RequestTag/eks-cluster-name", cluster);
        if (namespace != null) {
            b.condition("StringEquals", "aws:RequestTag/kubernetes-namespace", namespace);
        }
        return b.condition("StringEquals", "aws:RequestTag/kubernetes-service-account", serviceAccount).build();
    }

    /**
     * The scoped statement of a role we made for one service account: its cluster, and the namespace and service
     * account of its ownership tags, with the role's own account and partition. Empty for a role without our
     * service-account tag or without a cluster, which keeps the plain statement.
     */
    public static Optional<Statement> scopedPodIdentityStatement(String roleArn, String cluster,
                                                                 Map<String, String> ownershipTags) {
        String serviceAccount = ownershipTags.get(OwnershipTags.SERVICE_ACCOUNT);
        if (serviceAccount == null || cluster == null) {
            return Optional.empty();
        }
        Arn arn = Arns.role(roleArn).orElseThrow().arn();
        return Optional.of(scopedPodIdentityStatement(arn.partition(), arn.accountId(), cluster,
                ownershipTags.get(OwnershipTags.NAMESPACE), serviceAccount));
    }

    /**
     * The trust a role we made for one service account converges to, keeping every statement that is not about
     * pods: with session tags on, exactly the scoped statement ({@link #withScopedPodIdentityStatement}); with
     * them off, the plain statement, put back in place of our scoped one (its session-tag conditions could never
     * match: EKS sets no session tags then), or added when the role has no pods statement at all. A pods statement
     * someone else narrowed is kept while session tags are off. The same document when nothing needs to change, so
     * planner and executor agree on "already right".
     *
     * @param scoped the role's scoped statement ({@link #scopedPodIdentityStatement(String, String, Map)}); empty:
     *               the plain statement is all the role can have
     */
    public static PolicyDocument convergedOwnedTrust(PolicyDocument document, Partition partition,
                                                     Optional<Statement> scoped, boolean sessionTags) {
        if (sessionTags && scoped.isPresent()) {
            return withScopedPodIdentityStatement(document, scoped.get());
        }
        if (scoped.isPresent() && document.statements().contains(scoped.get())) {
            List<Statement> statements = new ArrayList<>(document.statements());
            statements.set(statements.indexOf(scoped.get()), podIdentityStatement(partition));
            return document.withStatements(statements);
        }
        return withPodIdentityStatement(document, partition);
    }

    /**
     * The document with its pod identity statements replaced by {@code scoped}: converging a role we own to the
     * scoped trust. The same document when it already has exactly that statement and no other pods statement.
     */
    public static PolicyDocument withScopedPodIdentityStatement(PolicyDocument document, Statement scoped) {
        List<Statement> kept = new ArrayList<>();
        for (Statement statement : document.statements()) {
            if (!isPodIdentityStatement(statement)) {
                kept.add(statement);
            }
        }
        if (kept.size() == document.statements().size() - 1 && document.statements().contains(scoped)) {
            return document;
        }
        kept.add(scoped);
        return document.withStatements(kept);
    }

    /** The trust policy of a role we create: the pod identity statement alone. */
    public static PolicyDocument podIdentityTrustPolicy(Partition partition) {
        return PolicyDocument.of(podIdentityStatement(partition));
    }

    /**
     * True if some Allow statement lets the pods principal call both {@code sts:AssumeRole} and
     * {@code sts:TagSession} (in any order, in one statement, possibly next to other principals or actions).
     * A statement with conditions counts: an owner who narrowed the trust to some namespaces (as the EKS guide
     * shows) did so on purpose, and adding our unconditioned statement would silently widen it again.
     */
    public static boolean hasPodIdentityStatement(PolicyDocument document) {
        return document.statements().stream().anyMatch(TrustPolicies::isPodIdentityStatement);
    }

    private static boolean isPodIdentityStatement(Statement statement) {
        return statement.isAllow()
                && statement.principal() != null
                && statement.principal().values(Principal.SERVICE).contains(POD_IDENTITY_SERVICE_PRINCIPAL)
                && allows(statement.actions(), ASSUME_ROLE)
                && allows(statement.actions(), TAG_SESSION);
    }

    /** IAM action names are case-insensitive; {@code sts:*} and {@code *} also grant them. */
    private static boolean allows(List<String> actions, String action) {
        return actions.stream().anyMatch(a -> a.equalsIgnoreCase(action) || a.equals("*") || a.equalsIgnoreCase("sts:*"));
    }

    /**
     * The document with the pod identity statement appended, or the same document when it already trusts EKS Pod
     * Identity. Other statements are untouched. When the documented Sid is already taken by another statement, a
     * numbered variant is used because IAM requires Sids to be unique within a policy.
     */
    public static PolicyDocument withPodIdentityStatement(PolicyDocument document, Partition partition) {
        if (hasPodIdentityStatement(document)) {
            return document;
        }
        Set<String> sids = new HashSet<>();
        document.statements().forEach(s -> {
            if (s.sid() != null) {
                sids.add(s.sid());
            }
        });
        String sid = POD_IDENTITY_SID;
        for (int n = 2; sids.contains(sid); n++) {
            sid = POD_IDENTITY_SID + n;
        }
        return document.withStatementAdded(podIdentityStatement(partition, sid));
    }

    /**
     * The document without the trust it grants to one OIDC provider (IRSA). A statement whose only principal is that
     * provider is dropped; a statement that also names other principals keeps them and loses only the provider.
     * Every other statement is kept exactly as it was. The result may have no statements left: callers add the pod
     * identity statement first.
     */
    public static PolicyDocument withoutOidcStatements(PolicyDocument document, String oidcProviderArn) {
        Objects.requireNonNull(oidcProviderArn, "oidcProviderArn");
        List<Statement> kept = new ArrayList<>();
        boolean changed = false;
        for (Statement statement : document.statements()) {
            if (!(statement.principal() instanceof Principal.ByType byType)
                    || !byType.values(Principal.FEDERATED).contains(oidcProviderArn)) {
                kept.add(statement);
                continue;
            }
            changed = true;
            Map<String, List<String>> remaining = new LinkedHashMap<>();
            byType.byType().forEach((type, values) -> {
                List<String> rest = type.equals(Principal.FEDERATED)
                        ? values.stream().filter(v -> !v.equals(oidcProviderArn)).toList()
                        : values;
                if (!rest.isEmpty()) {
                    remaining.put(type, rest);
                }
            });
            if (!remaining.isEmpty()) {
                kept.add(statement.toBuilder().principal(Principal.of(remaining)).build());
            }
        }
        return changed ? document.withStatements(kept) : document;
    }

    /**
     * The service accounts an IRSA trust policy lets in: the {@code system:serviceaccount:<ns>:<sa>} values of
     * {@code StringEquals} / {@code StringLike} conditions on {@code <issuer>:sub} keys of Allow statements that
     * trust a federated principal. Used to plan migrations; patterns from {@code StringLike} are reported as such.
     */
    public static List<IrsaSubject> irsaServiceAccounts(PolicyDocument document) {
        List<IrsaSubject> subjects = new ArrayList<>();
        for (Statement statement : document.statements()) {
            if (!statement.isAllow() || statement.principal() == null) {
                continue;
            }
            List<String> providers = statement.principal().values(Principal.FEDERATED);
            if (providers.isEmpty()) {
                continue;
            }
            for (String operator : List.of("StringEquals", "StringLike")) {
                Map<String, List<String>> keys = statement.conditions().getOrDefault(operator, Map.of());
                keys.forEach((key, values) -> {
                    if (!key.endsWith(":sub")) {
                        return;
                    }
                    String issuer = key.substring(0, key.length() - ":sub".length());
                    for (String value : values) {
                        IrsaSubject.parse(issuer, providerFor(providers, issuer), value, operator.equals("StringLike"))
                                .filter(subject -> !subjects.contains(subject))
                                .ifPresent(subjects::add);
                    }
                });
            }
        }
        return List.copyOf(subjects);
    }

    /** The provider ARN whose resource part is the issuer, or the single provider when none matches. */
    private static String providerFor(List<String> providers, String issuer) {
        for (String provider : providers) {
            if (provider.endsWith(":oidc-provider/" + issuer)) {
                return provider;
            }
        }
        return providers.get(0);
    }

    static String serviceAccountSubjectPrefix() {
        return SERVICE_ACCOUNT_SUBJECT_PREFIX;
    }
}

package dev.podidentity.autopilot.observe;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.Addon;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.concurrent.BackgroundRead;
import dev.podidentity.autopilot.config.PodIdentityAssociationSpec;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.naming.ArnResult;
import dev.podidentity.autopilot.naming.Arns;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.plan.Planner;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.port.EksApi;
import dev.podidentity.autopilot.port.IamRoles;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Builds the planner's {@link ClusterState} for a cluster: what Resolve observes, reading only.
 *
 * <h2>What it reads, and why no more</h2>
 * <ul>
 *   <li>DescribeCluster (status, Auto Mode = {@code computeConfig.enabled}, OIDC issuer), and GetOpenIDConnectProvider
 *       for the issuer's provider.</li>
 *   <li>ListAddons + DescribeAddon per addon (the agent is one of them; addons are few).</li>
 *   <li>Addon pod identity support (DescribeAddonVersions, then DescribeAddonConfiguration when the version requires
 *       IAM permissions) only for the addons the config names, and for migrate the addons on IRSA.</li>
 *   <li>ListPodIdentityAssociations, all pages. Summaries carry no role and no tags, so DescribePodIdentityAssociation
 *       is needed per association; it is skipped where the plan cannot use it: {@code get} describes only the
 *       associations its filters select, {@code create} only the declared ones, and none when none of those exist
 *       yet (the usual create). Every other action may delete or replace, and the planner then needs the role and
 *       tags of every association (which roles are still in use, which associations are ours to prune).</li>
 *   <li>The roles {@link Planner#rolesToObserve} names: GetRole (decoded trust, boundary, tags),
 *       ListAttachedRolePolicies, ListRolePolicies. With many names, one ListRoles (all pages) first finds which
 *       exist, so roles still to be created cost no call each.</li>
 * </ul>
 * ListAddons and ListPodIdentityAssociations need only the cluster's name and run beside DescribeCluster (so does the
 * ListRoles when the config alone names enough roles); DescribeCluster's answer still decides whether their results
 * count. After it, the OIDC provider, the add-ons' and the associations' describes run at once, and a caller of
 * {@link #start} may start its own reads that need the account; per-association, per-add-on and per-role reads run
 * on up to {@code parallelism} virtual threads, and a role's attached and inline policies at once after its GetRole.
 */
public final class ClusterObserver {
    /** From this many role names on, one ListRoles replaces a GetRole per missing role. */
    public static final int ROLE_LIST_THRESHOLD = 5;
    public static final int DEFAULT_PARALLELISM = 8;

    private final EksApi eks;
    private final IamRoles iam;
    private final Planner planner;
    private final int parallelism;

    public ClusterObserver(EksApi eks, IamRoles iam, Planner planner) {
        this(eks, iam, planner, DEFAULT_PARALLELISM);
    }

    public ClusterObserver(EksApi eks, IamRoles iam, Planner planner, int parallelism) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.iam = Objects.requireNonNull(iam, "iam");
        this.planner = Objects.requireNonNull(planner, "planner");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        this.parallelism = parallelism;
    }

    /** DescribeCluster's status of the cluster; empty when EKS says it does not exist (ResourceNotFound). */
    public Optional<String> clusterStatus(String clusterName) {
        return eks.describeCluster(clusterName).map(EksApi.Cluster::status);
    }

    /**
     * What the planner needs of the cluster: {@link #start}, then {@link Observation#state}.
     *
     * @param irsaServiceAccounts service accounts annotated {@code eks.amazonaws.com/role-arn} (migrate; read from
     *                            Kubernetes by the caller), empty otherwise
     * @throws NotFoundException when the cluster does not exist
     */
    public ClusterState observe(String clusterName, ClusterConfig desired, Action action,
                                List<ClusterState.IrsaServiceAccount> irsaServiceAccounts) {
        try (Observation observation = start(clusterName, desired, action, irsaServiceAccounts)) {
            return observation.state();
        }
    }

    /**
     * The reads that need nothing but the cluster's name (DescribeCluster, ListAddons, ListPodIdentityAssociations),
     * started now on their own threads, so they run beside what the caller reads first (Resolve: the config, which
     * says what else to read). Hand them to {@link #start(Early, ClusterConfig, Action, List)}, or close them: what
     * is still running is discarded, its answer or error ignored.
     */
    public Early early(String clusterName) {
        return new Early(clusterName);
    }

    /** The name-only reads of one cluster, started; see {@link #early}. */
    public final class Early implements AutoCloseable {
        private final String clusterName;
        private final List<BackgroundRead<?>> started = new ArrayList<>();
        private final BackgroundRead<Optional<EksApi.Cluster>> cluster;
        private final BackgroundRead<List<String>> addonNames;
        private final BackgroundRead<List<EksApi.AssociationRef>> associationRefs;
        private boolean handedOver;

        private Early(String clusterName) {
            this.clusterName = clusterName;
            try {
                this.cluster = started(BackgroundRead.start("describe-cluster", () -> eks.describeCluster(clusterName)));
                this.addonNames = started(BackgroundRead.start("list-addons", () -> eks.listAddons(clusterName)));
                this.associationRefs = started(BackgroundRead.start("list-associations",
                        () -> eks.listAssociations(clusterName, null, null)));
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        private <T> BackgroundRead<T> started(BackgroundRead<T> read) {
            started.add(read);
            return read;
        }

        /** Discards the reads, unless an observation took them over. */
        @Override
        public void close() {
            if (!handedOver) {
                started.forEach(BackgroundRead::close);
            }
        }
    }

    /**
     * Starts observing: DescribeCluster, with the reads that need only the cluster's name beside it (ListAddons,
     * ListPodIdentityAssociations, and the role-existence ListRoles when the config alone already names
     * {@link #ROLE_LIST_THRESHOLD} roles). Returns once DescribeCluster answered, so the caller can start its own
     * reads that need the account ({@link Observation#cluster}) before the rest is read ({@link Observation#state}).
     * Close the observation: what is still running is discarded.
     *
     * @param irsaServiceAccounts service accounts annotated {@code eks.amazonaws.com/role-arn} (migrate; read from
     *                            Kubernetes by the caller), empty otherwise
     * @throws NotFoundException when the cluster does not exist (the reads started beside it are discarded, their
     *                           errors ignored)
     */
    public Observation start(String clusterName, ClusterConfig desired, Action action,
                             List<ClusterState.IrsaServiceAccount> irsaServiceAccounts) {
        return start(early(clusterName), desired, action, irsaServiceAccounts);
    }

    /** As {@link #start(String, ClusterConfig, Action, List)}, on name-only reads started earlier ({@link #early}). */
    public Observation start(Early early, ClusterConfig desired, Action action,
                             List<ClusterState.IrsaServiceAccount> irsaServiceAccounts) {
        String clusterName = early.clusterName;
        List<ClusterState.IrsaServiceAccount> irsa = irsaServiceAccounts == null ? List.of() : irsaServiceAccounts;
        List<BackgroundRead<?>> started = new ArrayList<>(early.started);
        early.handedOver = true; // from here on this method, then the observation, discards them
        try {
            // The config's own role names (and the IRSA accounts') are some of the names roles() looks up, never
            // more: when they alone reach the threshold, roles() lists every role anyway, so that list starts now.
            BackgroundRead<List<String>> allRoles = null;
            if (configNamesEnoughRoles(clusterName, desired, action, irsa)) {
                allRoles = BackgroundRead.start("list-roles", () -> iam.listRoleNames("/"));
                started.add(allRoles);
            }
            EksApi.Cluster cluster = early.cluster.await("interrupted while describing the cluster")
                    .orElseThrow(() -> new NotFoundException("cluster \"" + clusterName + "\" not found"));
            return new Observation(clusterName, desired, action, irsa, cluster, early.addonNames,
                    early.associationRefs, allRoles, started);
        } catch (RuntimeException | Error e) {
            started.forEach(BackgroundRead::close);
            throw e;
        }
    }

    /**
     * A cluster being observed: DescribeCluster has answered; the rest is read by {@link #state}. Closing it
     * discards (interrupts and waits for) whatever read is still running.
     */
    public final class Observation implements AutoCloseable {
        private final String clusterName;
        private final ClusterConfig desired;
        private final Action action;
        private final List<ClusterState.IrsaServiceAccount> irsa;
        private final EksApi.Cluster cluster;
        private final BackgroundRead<List<String>> addonNames;
        private final BackgroundRead<List<EksApi.AssociationRef>> associationRefs;
        private final BackgroundRead<List<String>> allRoles;
        private final List<BackgroundRead<?>> started;

        private Observation(String clusterName, ClusterConfig desired, Action action,
                            List<ClusterState.IrsaServiceAccount> irsa, EksApi.Cluster cluster,
                            BackgroundRead<List<String>> addonNames,
                            BackgroundRead<List<EksApi.AssociationRef>> associationRefs,
                            BackgroundRead<List<String>> allRoles, List<BackgroundRead<?>> started) {
            this.clusterName = clusterName;
            this.desired = desired;
            this.action = action;
            this.irsa = irsa;
            this.cluster = cluster;
            this.addonNames = addonNames;
            this.associationRefs = associationRefs;
            this.allRoles = allRoles;
            this.started = started;
        }

        /** DescribeCluster's answer (the account is in its ARN). */
        public EksApi.Cluster cluster() {
            return cluster;
        }

        /** Everything else the planner needs; read once. */
        public ClusterState state() {
            String account = cluster.accountId();
            String partition = cluster.partition();
            String region = cluster.arn().split(":")[3];
            ClusterState.ClusterStatus status = status(cluster.status());
            // A cluster still being created has no API server and nothing on it yet: it is not read (the state
            // machine plans again once it is ACTIVE, and that plan is the one carried out). The listings started
            // beside DescribeCluster are discarded, whatever they answered.
            boolean creating = status == ClusterState.ClusterStatus.CREATING
                    || status == ClusterState.ClusterStatus.PENDING;
            if (creating) {
                addonNames.close();
                associationRefs.close();
            }
            // After DescribeCluster the three reads below need nothing of each other: they run at once (the two
            // listings already started beside DescribeCluster).
            String oidcProviderArn;
            List<ClusterState.AddonState> addons;
            List<ClusterState.Association> associations;
            try (Branches branches = new Branches()) {
                Future<String> oidc = branches.fork(() -> oidcProvider(cluster, partition, account));
                Future<List<ClusterState.AddonState>> installed = branches.fork(() -> creating
                        ? List.<ClusterState.AddonState>of()
                        : addons(clusterName, addonNames.await("interrupted while observing")));
                Future<List<ClusterState.Association>> found = branches.fork(() -> creating
                        ? List.<ClusterState.Association>of()
                        : associations(clusterName, associationRefs.await("interrupted while observing"), desired,
                                action));
                oidcProviderArn = branches.join(oidc);
                addons = branches.join(installed);
                associations = branches.join(found);
            }
            ClusterState.Agent agent = addons.stream().filter(a -> Step.InstallAgent.ADDON.equals(a.name()))
                    .findFirst().map(a -> new ClusterState.Agent(a.version(), a.status())).orElse(null);
            List<ClusterState.AddonSupport> support = addonSupport(desired, action, addons,
                    cluster.kubernetesVersion());

            ClusterState soFar = new ClusterState(clusterName, account, region, partition, status,
                    cluster.autoMode(), oidcProviderArn, agent, addons, associations, Map.of(), support, irsa);
            Map<String, ClusterState.Role> roles = roles(planner.rolesToObserve(desired, action, soFar), allRoles);
            return new ClusterState(clusterName, account, region, partition, status, cluster.autoMode(),
                    oidcProviderArn, agent, addons, associations, roles, support, irsa);
        }

        /** Discards the reads still running (after a failure, or those a CREATING cluster made moot). */
        @Override
        public void close() {
            started.forEach(BackgroundRead::close);
        }
    }

    /** The cluster's add-ons, each described (at once). */
    private List<ClusterState.AddonState> addons(String clusterName, List<String> names) {
        List<ClusterState.AddonState> addons = new ArrayList<>();
        for (Optional<EksApi.Addon> addon : parallel(names, name -> eks.describeAddon(clusterName, name))) {
            addon.ifPresent(a -> addons.add(new ClusterState.AddonState(a.name(), a.arn(), a.version(), a.status(),
                    a.serviceAccountRoleArn(), a.configurationValues(), a.podIdentityAssociationArns(), a.namespace())));
        }
        return addons;
    }

    /** Independent reads on virtual threads; a read's typed error is rethrown as it was thrown. */
    private static final class Branches implements AutoCloseable {
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        /** Interrupts what still runs (a branch failed) and waits for it: no read outlives the observation. */
        @Override
        public void close() {
            threads.shutdownNow();
            threads.close();
        }

        <T> Future<T> fork(java.util.concurrent.Callable<T> read) {
            return threads.submit(read);
        }

        <T> T join(Future<T> branch) {
            try {
                return BackgroundRead.result(branch, "interrupted while observing");
            } catch (RuntimeException e) {
                threads.shutdownNow();
                throw e;
            }
        }
    }

    private static ClusterState.ClusterStatus status(String status) {
        try {
            return ClusterState.ClusterStatus.valueOf(status);
        } catch (RuntimeException unknown) {
            return ClusterState.ClusterStatus.PENDING;
        }
    }

    private String oidcProvider(EksApi.Cluster cluster, String partition, String account) {
        if (cluster.oidcIssuer() == null || cluster.oidcIssuer().isEmpty()) {
            return null;
        }
        String issuer = cluster.oidcIssuer().replaceFirst("^https://", "");
        String arn = "arn:" + partition + ":iam::" + account + ":oidc-provider/" + issuer;
        return iam.oidcProviderExists(arn) ? arn : null;
    }

    private List<ClusterState.AddonSupport> addonSupport(ClusterConfig desired, Action action,
                                                         List<ClusterState.AddonState> installed,
                                                         String kubernetesVersion) {
        Map<String, String> wanted = new LinkedHashMap<>(); // addon → version asked (null: installed or default)
        boolean addonAction = switch (action) {
            case APPLY, ONBOARD, CREATE_ADDON, UPDATE_ADDON, MIGRATE_TO_POD_IDENTITY -> true;
            default -> false;
        };
        if (!addonAction) {
            return List.of();
        }
        for (Addon addon : desired.addonsOrEmpty()) {
            if (!Step.InstallAgent.ADDON.equals(addon.name())) {
                wanted.put(addon.name(), concrete(addon.version()));
            }
        }
        if (action == Action.MIGRATE_TO_POD_IDENTITY) {
            installed.stream().filter(a -> a.serviceAccountRoleArn() != null && !a.serviceAccountRoleArn().isEmpty())
                    .forEach(a -> wanted.putIfAbsent(a.name(), null));
        }
        List<ClusterState.AddonSupport> support = new ArrayList<>();
        wanted.forEach((name, asked) -> {
            Optional<EksApi.AddonVersions> versions = eks.describeAddonVersions(name, kubernetesVersion);
            if (versions.isEmpty()) {
                return; // EKS does not know the addon; the planner reports it
            }
            String version = asked != null ? asked : installed.stream().filter(a -> a.name().equals(name))
                    .map(ClusterState.AddonState::version).findFirst().orElse(versions.get().defaultVersion());
            if (version == null) {
                return;
            }
            boolean requiresIam = versions.get().requiresIamPermissions().getOrDefault(version, Boolean.TRUE);
            List<ClusterState.PodIdentityConfiguration> config = requiresIam
                    ? eks.podIdentityConfiguration(name, version) : List.of();
            support.add(new ClusterState.AddonSupport(name, version, requiresIam, config));
        });
        return support;
    }

    private static String concrete(String version) {
        return version == null || version.isEmpty() || "latest".equals(version) ? null : version;
    }

    private List<ClusterState.Association> associations(String cluster, List<EksApi.AssociationRef> refs,
                                                        ClusterConfig desired, Action action) {
        List<PodIdentityAssociationSpec> specs = desired.iam() == null ? List.of()
                : desired.iam().podIdentityAssociations();
        List<EksApi.AssociationRef> toDescribe = switch (action) {
            case GET -> refs.stream().filter(r -> specs.isEmpty() || specs.stream().anyMatch(s ->
                    r.namespace().equals(s.namespace()) && (s.serviceAccountName() == null
                            || s.serviceAccountName().isEmpty() || r.serviceAccount().equals(s.serviceAccountName()))))
                    .toList();
            case CREATE -> {
                Set<String> declared = new HashSet<>();
                specs.forEach(s -> declared.add(s.key()));
                yield refs.stream().anyMatch(r -> declared.contains(r.key())) ? refs : List.of();
            }
            default -> refs;
        };
        Set<String> described = new HashSet<>();
        toDescribe.forEach(r -> described.add(r.associationId()));
        List<ClusterState.Association> result = new ArrayList<>(parallel(toDescribe,
                r -> eks.describeAssociation(cluster, r.associationId()).orElse(null)));
        result.removeIf(Objects::isNull);
        // not described: the summary's fields (no role, no tags), so the planner still sees that they exist
        refs.stream().filter(r -> !described.contains(r.associationId())).forEach(r -> result.add(
                new ClusterState.Association(r.associationId(), r.associationArn(), r.namespace(), r.serviceAccount(),
                        null, null, null, null, Map.of(), r.ownerArn())));
        return result;
    }

    /**
     * @param allRoles the ListRoles of every role started beside DescribeCluster, null when not started. It is
     *                 started when the config's names alone reach the threshold, so whenever these names do too,
     *                 unless the observed associations and add-ons added the names that reach it: then it is read now
     */
    private Map<String, ClusterState.Role> roles(Planner.RoleLookups lookups, BackgroundRead<List<String>> allRoles) {
        Set<String> names = roleNames(lookups);
        if (names.size() >= ROLE_LIST_THRESHOLD) {
            names.retainAll(new HashSet<>(allRoles != null ? allRoles.await("interrupted while observing")
                    : iam.listRoleNames("/")));
        }
        Set<String> referenced = namesOfRoleArns(lookups.arns());
        Map<String, ClusterState.Role> roles = new LinkedHashMap<>();
        for (ClusterState.Role role : parallel(names, name -> readRole(name, referenced.contains(name)))) {
            if (role != null) {
                roles.put(role.arn(), role);
            }
        }
        return roles;
    }

    /**
     * Whether the roles the config (and the IRSA accounts) name reach {@link #ROLE_LIST_THRESHOLD} before anything is
     * observed: {@link Planner#rolesToObserve} of a state with nothing observed yet asks for some of the names it asks
     * for once the associations, add-ons and add-on support are known, never for others, so then roles() lists
     * every role whatever is observed. False when that cannot be told now: the same question asked after
     * DescribeCluster gives its error where it gives it today.
     */
    private boolean configNamesEnoughRoles(String clusterName, ClusterConfig desired, Action action,
                                           List<ClusterState.IrsaServiceAccount> irsa) {
        if (desired == null) {
            return false;
        }
        try {
            ClusterState nothingObserved = new ClusterState(clusterName, null, null, null, null, false, null, null,
                    List.of(), List.of(), Map.of(), List.of(), irsa);
            return roleNames(planner.rolesToObserve(desired, action, nothingObserved)).size() >= ROLE_LIST_THRESHOLD;
        } catch (RuntimeException later) {
            return false;
        }
    }

    /** The role names the lookups ask for: each valid role ARN's name, then each name, in a stable order. */
    private static Set<String> roleNames(Planner.RoleLookups lookups) {
        Set<String> names = namesOfRoleArns(lookups.arns());
        lookups.names().stream().sorted().forEach(names::add);
        return names;
    }

    /** Each valid role ARN's name, in a stable order. */
    private static Set<String> namesOfRoleArns(Collection<String> arns) {
        Set<String> names = new LinkedHashSet<>();
        arns.stream().sorted().forEach(arn -> {
            if (Arns.role(arn) instanceof ArnResult.Valid<Arns.RoleArn>(Arns.RoleArn role)) {
                names.add(role.name());
            }
        });
        return names;
    }

    /**
     * GetRole and the role's attached and inline policies. A role some ARN refers to (an association's, an add-on's,
     * the config's {@code roleARN}) nearly always exists: its three reads go at once, one round instead of two. A
     * role only named (one the plan may create) is often missing: GetRole first, and the policy reads only if it
     * exists, so a missing role costs one call, not three. A missing role's listings (NoSuchEntity) are discarded.
     */
    private ClusterState.Role readRole(String name, boolean likelyExists) {
        try (Branches branches = new Branches()) {
            Future<List<String>> attached = likelyExists ? branches.fork(() -> iam.attachedPolicyArns(name)) : null;
            Future<List<String>> inline = likelyExists ? branches.fork(() -> iam.inlinePolicyNames(name)) : null;
            Optional<IamRoles.IamRole> found = iam.getRole(name);
            if (found.isEmpty()) {
                return null;
            }
            IamRoles.IamRole r = found.get();
            if (attached == null) {
                attached = branches.fork(() -> iam.attachedPolicyArns(name));
                inline = branches.fork(() -> iam.inlinePolicyNames(name));
            }
            return new ClusterState.Role(r.arn(), r.name(), r.path(), r.tags(), r.trustPolicyJson(),
                    branches.join(attached), branches.join(inline), r.permissionsBoundaryArn());
        }
    }

    /** Applies {@code read} to each item on at most {@code parallelism} virtual threads; results in input order. */
    private <T, R> List<R> parallel(Collection<T> items, Function<T, R> read) {
        return BackgroundRead.each(new ArrayList<>(items), parallelism, read, "interrupted while observing");
    }
}

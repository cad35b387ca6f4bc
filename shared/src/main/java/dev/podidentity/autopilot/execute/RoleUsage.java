package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.port.EksApi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who uses a role anywhere in the account and region, read from EKS as it is: every cluster
 * ({@code ListClusters}), every pod identity association of each ({@code ListPodIdentityAssociations}, then
 * {@code DescribePodIdentityAssociation}, since summaries carry no role) and every addon's IRSA role
 * ({@code ListAddons}, {@code DescribeAddon}). A role of ours is deleted only when nothing is found.
 *
 * <p>The scan is kept for a few seconds so a batch of deletions reads the account once; a use it finds is checked
 * again with a fresh {@code DescribePodIdentityAssociation} before it keeps a role, so a stale scan never keeps a
 * role for an association that has been deleted or moved since. The association a step itself deletes is never
 * counted.
 */
final class RoleUsage {
    static final Duration FRESH_FOR = Duration.ofSeconds(15);

    /** One use: a cluster's association (associationId set) or an addon's IRSA role. */
    record Use(String cluster, String associationId, String what, String ownerArn) {
        @Override
        public String toString() {
            return what + " on cluster \"" + cluster + "\"";
        }
    }

    private final EksApi eks;
    private final Clock clock;
    private Map<String, List<Use>> byRole;
    private Instant scannedAt;

    RoleUsage(EksApi eks, Clock clock) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.clock = clock;
    }

    /**
     * The first use of {@code roleArn} other than the association {@code ownAssociationId} on {@code cluster} and
     * the associations of addon {@code ownAddon} there (null: none); empty when nothing uses it.
     */
    Optional<Use> firstUse(String roleArn, String cluster, String ownAssociationId, String ownAddon) {
        for (Use use : uses(roleArn)) {
            boolean own = use.cluster().equals(cluster) && (Objects.equals(use.associationId(), ownAssociationId)
                    || ownAddon != null && use.ownerArn() != null
                    && use.ownerArn().contains(":addon/" + cluster + "/" + ownAddon + "/"));
            if (own) {
                continue;
            }
            if (use.associationId() == null) {
                return Optional.of(use);
            }
            // still there, still on this role?
            Optional<ClusterState.Association> now = describe(use.cluster(), use.associationId());
            if (now.isPresent() && roleArn.equals(now.get().roleArn())) {
                return Optional.of(use);
            }
        }
        return Optional.empty();
    }

    private synchronized List<Use> uses(String roleArn) {
        Instant now = clock.instant();
        if (byRole == null || scannedAt.plus(FRESH_FOR).isBefore(now)) {
            byRole = scan();
            scannedAt = now;
        }
        return byRole.getOrDefault(roleArn, List.of());
    }

    private Map<String, List<Use>> scan() {
        Map<String, List<Use>> uses = new HashMap<>();
        for (String cluster : eks.listClusters()) {
            try {
                for (EksApi.AssociationRef ref : eks.listAssociations(cluster, null, null)) {
                    describe(cluster, ref.associationId()).ifPresent(a -> uses.computeIfAbsent(a.roleArn(),
                            k -> new ArrayList<>()).add(new Use(cluster, a.associationId(),
                            "pod identity association " + a.key(), a.ownerArn())));
                }
                for (String addon : eks.listAddons(cluster)) {
                    eks.describeAddon(cluster, addon).ifPresent(a -> {
                        if (a.serviceAccountRoleArn() != null && !a.serviceAccountRoleArn().isEmpty()) {
                            uses.computeIfAbsent(a.serviceAccountRoleArn(), k -> new ArrayList<>())
                                    .add(new Use(cluster, null, "addon " + addon + " (IRSA)", null));
                        }
                    });
                }
            } catch (NotFoundException e) {
                // the cluster went away while we looked: nothing of it uses anything
            }
        }
        return uses;
    }

    private Optional<ClusterState.Association> describe(String cluster, String associationId) {
        try {
            return eks.describeAssociation(cluster, associationId);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }
}

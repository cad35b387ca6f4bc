package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Owner;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One thing the plan does, with everything its executor needs: executors never look at the config or re-plan.
 * {@link #id()} names the resource the step acts on (never a list position), so a step keeps its id across
 * re-plans and reruns, and Step Functions results can be matched to steps. In JSON a {@code type} field tells the
 * kinds apart; {@code id} and {@code phase} are written for readers and ignored when reading.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Step.WaitForCluster.class, name = "WaitForCluster"),
        @JsonSubTypes.Type(value = Step.InstallAgent.class, name = "InstallAgent"),
        @JsonSubTypes.Type(value = Step.UpdateTrustPolicy.class, name = "UpdateTrustPolicy"),
        @JsonSubTypes.Type(value = Step.EnsureRoleAndAssociation.class, name = "EnsureRoleAndAssociation"),
        @JsonSubTypes.Type(value = Step.UpdateAssociation.class, name = "UpdateAssociation"),
        @JsonSubTypes.Type(value = Step.DeleteAssociation.class, name = "DeleteAssociation"),
        @JsonSubTypes.Type(value = Step.CreateAddon.class, name = "CreateAddon"),
        @JsonSubTypes.Type(value = Step.UpdateAddon.class, name = "UpdateAddon"),
        @JsonSubTypes.Type(value = Step.DeleteAddon.class, name = "DeleteAddon"),
        @JsonSubTypes.Type(value = Step.MigrateServiceAccount.class, name = "MigrateServiceAccount"),
        @JsonSubTypes.Type(value = Step.MigrateAddon.class, name = "MigrateAddon"),
        @JsonSubTypes.Type(value = Step.RemoveIrsaAnnotation.class, name = "RemoveIrsaAnnotation"),
        @JsonSubTypes.Type(value = Step.ReportAssociations.class, name = "ReportAssociations")
})
@JsonIgnoreProperties(value = {"id", "phase"}, allowGetters = true)
public sealed interface Step {

    @JsonProperty("id")
    String id();

    @JsonProperty("phase")
    Phase phase();

    /** Poll {@code DescribeCluster} until the cluster is ACTIVE. */
    record WaitForCluster(String cluster, ClusterState.ClusterStatus observedStatus) implements Step {
        public String id() {
            return "wait/" + cluster;
        }

        public Phase phase() {
            return Phase.WAIT_ACTIVE;
        }
    }

    /**
     * Create the {@code eks-pod-identity-agent} addon and wait for it to be ACTIVE; the other fields come from the
     * config's {@code eks-pod-identity-agent} entry (null or empty when it has none, and EKS's defaults apply).
     */
    record InstallAgent(String cluster, String version, String configurationValues, String resolveConflicts,
                        Map<String, String> tags) implements Step {
        public static final String ADDON = "eks-pod-identity-agent";

        public InstallAgent {
            tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        }

        public InstallAgent(String cluster) {
            this(cluster, null, null, null, Map.of());
        }

        public String id() {
            return "agent/" + ADDON;
        }

        public Phase phase() {
            return Phase.AGENT;
        }
    }

    /**
     * Read the role's live trust policy, add the pods.eks statement if missing, drop the trust of one OIDC provider
     * if asked, write it back. One step per role, however many service accounts share it.
     *
     * @param removeOidcProviderArn the provider whose trust to drop, null to keep OIDC trust
     * @param usedBy               the {@code ns/sa} and {@code addon <name>} that need the change, sorted
     */
    record UpdateTrustPolicy(String roleArn, String roleName, Owner roleOwner,
                             boolean addPodIdentityStatement, String removeOidcProviderArn,
                             List<String> usedBy) implements Step {
        public UpdateTrustPolicy {
            usedBy = usedBy == null ? List.of() : usedBy.stream().sorted().toList();
        }

        public String id() {
            return "trust/" + roleName;
        }

        public Phase phase() {
            return Phase.TRUST;
        }
    }

    /**
     * Make the role what {@code role} says (create it, update its permissions, or use it), optionally create the
     * Kubernetes service account, then create the association, or update it when {@code associationId} is set.
     *
     * @param targetRoleArn      null: not sent (none on create, unchanged on update); empty: clear it
     * @param disableSessionTags null: not sent
     * @param policy             session policy; null: not sent; empty: clear it
     * @param tags               association tags (create only), our ownership tags included
     */
    record EnsureRoleAndAssociation(String namespace, String serviceAccount, DesiredRole role, String targetRoleArn,
                                    Boolean disableSessionTags, String policy, Map<String, String> tags,
                                    boolean createServiceAccount, String associationId) implements Step {
        public EnsureRoleAndAssociation {
            tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        }

        public String id() {
            return "associate/" + namespace + "/" + serviceAccount;
        }

        public Phase phase() {
            return Phase.ASSOCIATE;
        }
    }

    /**
     * {@code UpdatePodIdentityAssociation} with the fields EKS lets change. A null field is not sent (kept); an
     * empty {@code targetRoleArn} or {@code policy} clears it.
     *
     * @param changes what differs, for the plan text ({@code roleArn}, {@code policy}, ...), sorted
     */
    record UpdateAssociation(String associationId, String namespace, String serviceAccount, String roleArn,
                             String targetRoleArn, Boolean disableSessionTags, String policy,
                             List<String> changes) implements Step {
        public UpdateAssociation {
            changes = changes == null ? List.of() : changes.stream().sorted().toList();
        }

        public String id() {
            return "associate/" + namespace + "/" + serviceAccount;
        }

        public Phase phase() {
            return Phase.ASSOCIATE;
        }
    }

    /**
     * Delete an association, then its role when {@code deleteRoleArn} is set (only roles we created for it, and only
     * while nothing else in the account and region uses it).
     *
     * @param associationId null when the association is already gone and only its role remains
     * @param dependsOn     ids of the steps that must have succeeded first (a move off the role): when one did not,
     *                      the step is skipped and the role kept
     */
    record DeleteAssociation(String associationId, String namespace, String serviceAccount, String roleArn,
                             String deleteRoleArn, String reason, List<String> dependsOn) implements Step {
        public DeleteAssociation {
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        }

        public DeleteAssociation(String associationId, String namespace, String serviceAccount, String roleArn,
                                 String deleteRoleArn, String reason) {
            this(associationId, namespace, serviceAccount, roleArn, deleteRoleArn, reason, List.of());
        }

        public String id() {
            return "prune/" + namespace + "/" + serviceAccount;
        }

        public Phase phase() {
            return Phase.PRUNE;
        }
    }

    /** A service account of an addon and the role it gets. */
    record AddonIdentity(String serviceAccount, DesiredRole role) {
    }

    /**
     * Create roles to create, then {@code CreateAddon} with these pod identity associations, then wait ACTIVE.
     *
     * @param serviceAccountRoleArn IRSA role given by the config, null for none
     */
    record CreateAddon(String name, String version, String configurationValues, String resolveConflicts,
                       Map<String, String> tags, String serviceAccountRoleArn,
                       List<AddonIdentity> podIdentityAssociations, String namespace) implements Step {
        public CreateAddon {
            tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
            podIdentityAssociations = podIdentityAssociations == null ? List.of() : List.copyOf(podIdentityAssociations);
        }

        /** In the addon's default namespace. */
        public CreateAddon(String name, String version, String configurationValues, String resolveConflicts,
                           Map<String, String> tags, String serviceAccountRoleArn,
                           List<AddonIdentity> podIdentityAssociations) {
            this(name, version, configurationValues, resolveConflicts, tags, serviceAccountRoleArn,
                    podIdentityAssociations, null);
        }

        public String id() {
            return "addon/" + name;
        }

        public Phase phase() {
            return Phase.ADDONS;
        }
    }

    /**
     * Create / update roles, then {@code UpdateAddon}, then delete the roles of removed service accounts we own.
     *
     * @param podIdentityAssociations the addon's complete new set (EKS replaces it); empty removes all; null leaves
     *                                the addon's associations alone
     * @param deleteRoleArns          roles we created for service accounts the addon no longer has
     * @param changes                 what differs, for the plan text
     */
    record UpdateAddon(String name, String version, String configurationValues, String resolveConflicts,
                       String serviceAccountRoleArn, List<AddonIdentity> podIdentityAssociations,
                       List<String> deleteRoleArns, List<String> changes) implements Step {
        public UpdateAddon {
            podIdentityAssociations = podIdentityAssociations == null ? null : List.copyOf(podIdentityAssociations);
            deleteRoleArns = deleteRoleArns == null ? List.of() : deleteRoleArns.stream().sorted().toList();
            changes = changes == null ? List.of() : List.copyOf(changes);
        }

        public String id() {
            return "addon/" + name;
        }

        public Phase phase() {
            return Phase.ADDONS;
        }
    }

    /** {@code DeleteAddon} (EKS deletes the associations it owns), then delete the roles we created for it. */
    record DeleteAddon(String name, boolean preserve, List<String> deleteRoleArns) implements Step {
        public DeleteAddon {
            deleteRoleArns = deleteRoleArns == null ? List.of() : deleteRoleArns.stream().sorted().toList();
        }

        public String id() {
            return "addon/" + name;
        }

        public Phase phase() {
            return Phase.PRUNE;
        }
    }

    /**
     * Give an IRSA service account a pod identity association with the role it already uses. An existing
     * association for it counts as done.
     */
    record MigrateServiceAccount(String namespace, String serviceAccount, String roleArn,
                                 Map<String, String> tags) implements Step {
        public MigrateServiceAccount {
            tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        }

        public String id() {
            return "associate/" + namespace + "/" + serviceAccount;
        }

        public Phase phase() {
            return Phase.ASSOCIATE;
        }
    }

    /**
     * Move an addon from IRSA to pod identity: {@code UpdateAddon} at its current version with
     * {@code podIdentityAssociations = [{serviceAccount, roleArn}]} (the role's trust is updated in TRUST first).
     */
    record MigrateAddon(String name, String version, String serviceAccount, String roleArn) implements Step {
        public String id() {
            return "addon/" + name;
        }

        public Phase phase() {
            return Phase.ADDONS;
        }
    }

    /**
     * Remove {@code eks.amazonaws.com/role-arn} from a migrated service account (a patch of that one annotation;
     * the rest of the service account is left as it is).
     */
    record RemoveIrsaAnnotation(String namespace, String serviceAccount, String roleArn) implements Step {
        public String id() {
            return "annotation/" + namespace + "/" + serviceAccount;
        }

        public Phase phase() {
            return Phase.PRUNE;
        }
    }

    /** The result of {@code get}: the associations, in the shape eksctl prints with {@code --output json}. */
    record ReportAssociations(List<AssociationSummary> associations) implements Step {
        public ReportAssociations {
            associations = associations == null ? List.of() : List.copyOf(associations);
        }

        public String id() {
            return "get/associations";
        }

        public Phase phase() {
            return Phase.REPORT;
        }
    }

    /** eksctl's {@code get podidentityassociation} fields; OwnerARN only when set. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record AssociationSummary(@JsonProperty("AssociationARN") String associationArn,
                              @JsonProperty("Namespace") String namespace,
                              @JsonProperty("ServiceAccountName") String serviceAccountName,
                              @JsonProperty("RoleARN") String roleArn,
                              @JsonProperty("OwnerARN") String ownerArn) {
    }
}

package dev.podidentity.local.world;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A world file: what exists in the account before a run. Strings may use {@code ${account}}, {@code ${region}},
 * {@code ${oidcProviderArn:<cluster>}} and {@code ${oidcIssuer:<cluster>}} (issuer host and path, no scheme), which
 * are filled in after the clusters exist (moto decides the issuer id). {@code rateLimits} are the account's token
 * buckets ({@code service}, {@code calls}: writes | reads | all, {@code perSecond}, {@code burst}; see
 * {@link dev.podidentity.local.gateway.RateLimits}); none: no limits.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record World(String account, String region, List<Cluster> clusters, Iam iam, List<Bucket> buckets,
                    List<Map<String, Object>> faults, List<Map<String, Object>> rateLimits, Emulator emulator) {

    public World {
        clusters = clusters == null ? List.of() : List.copyOf(clusters);
        iam = iam == null ? new Iam(List.of(), List.of()) : iam;
        buckets = buckets == null ? List.of() : List.copyOf(buckets);
        faults = faults == null ? List.of() : List.copyOf(faults);
        rateLimits = rateLimits == null ? List.of() : List.copyOf(rateLimits);
        emulator = emulator == null ? new Emulator(null, null, null, null) : emulator;
    }

    /**
     * EKS emulator behaviour, applied after seeding: milliseconds an add-on stays CREATING/UPDATING after a create or
     * update, however often it is described (default 1000),
     * associations per cluster (default 5000), and the eventual-consistency knobs (default off).
     */
    public record Emulator(Integer addonTransitionMillis, Integer associationQuota, Integer rolePropagationChecks,
                           Integer deletePropagationCreates) {
    }

    /**
     * A cluster. {@code status} CREATING makes DescribeCluster say CREATING until {@code activeAfterMillis} have
     * passed since seeding, however often it is described, as EKS finishes a cluster in its own time (absent: stays
     * CREATING).
     */
    public record Cluster(String name, String version, String status, Integer activeAfterMillis, Boolean autoMode,
                          Boolean oidcProvider, List<Addon> addons, List<Association> podIdentityAssociations,
                          List<ServiceAccount> serviceAccounts, List<Workload> workloads) {
        public Cluster {
            version = version == null ? "1.33" : version;
            status = status == null ? "ACTIVE" : status;
            addons = addons == null ? List.of() : List.copyOf(addons);
            podIdentityAssociations = podIdentityAssociations == null ? List.of() : List.copyOf(podIdentityAssociations);
            serviceAccounts = serviceAccounts == null ? List.of() : List.copyOf(serviceAccounts);
            workloads = workloads == null ? List.of() : List.copyOf(workloads);
        }

        public boolean isAutoMode() {
            return Boolean.TRUE.equals(autoMode);
        }

        public boolean hasOidcProvider() {
            return Boolean.TRUE.equals(oidcProvider);
        }
    }

    /** An installed add-on: IRSA through {@code serviceAccountRoleArn}, or pod identity through its associations. */
    public record Addon(String name, String version, String serviceAccountRoleArn, List<AddonAssociation> podIdentityAssociations) {
        public Addon {
            podIdentityAssociations = podIdentityAssociations == null ? List.of() : List.copyOf(podIdentityAssociations);
        }
    }

    public record AddonAssociation(String serviceAccount, String roleArn) {
    }

    public record Association(String namespace, String serviceAccount, String roleArn, String targetRoleArn,
                              Boolean disableSessionTags, String policy, Map<String, String> tags) {
    }

    /** A service account on the cluster's API server; {@code automountServiceAccountToken} null: not set. */
    public record ServiceAccount(String namespace, String name, Map<String, String> annotations, Map<String, String> labels,
                                 List<String> imagePullSecrets, Boolean automountServiceAccountToken) {
        public ServiceAccount {
            namespace = namespace == null ? "default" : namespace;
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
        }
    }

    /**
     * Pods running as a service account: a Deployment (default; with its ReplicaSet) or a DaemonSet and its
     * {@code replicas} pods, owner references as the controllers set them.
     */
    public record Workload(String kind, String namespace, String name, String serviceAccount, Integer replicas,
                           String image) {
        public Workload {
            kind = kind == null ? "Deployment" : kind;
            namespace = namespace == null ? "default" : namespace;
            replicas = replicas == null ? ("DaemonSet".equals(kind) ? 2 : 1) : replicas;
            image = image == null ? "public.ecr.aws/docker/library/busybox:stable" : image;
        }
    }

    public record Iam(List<Policy> policies, List<Role> roles) {
        public Iam {
            policies = policies == null ? List.of() : List.copyOf(policies);
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /** A customer managed policy. */
    public record Policy(String name, String path, String description, Map<String, Object> document) {
    }

    public record Role(String name, String path, String description, Map<String, Object> trustPolicy,
                       Map<String, Map<String, Object>> inlinePolicies, List<String> managedPolicies,
                       Map<String, String> tags, String permissionsBoundary) {
        public Role {
            path = path == null ? "/" : path;
            inlinePolicies = inlinePolicies == null ? Map.of() : inlinePolicies;
            managedPolicies = managedPolicies == null ? List.of() : List.copyOf(managedPolicies);
            tags = tags == null ? Map.of() : tags;
        }
    }

    public record Bucket(String name, Boolean versioning, List<BucketObject> objects) {
        public Bucket {
            objects = objects == null ? List.of() : List.copyOf(objects);
        }
    }

    /** An object: inline {@code content}, or {@code file} relative to the world file. */
    public record BucketObject(String key, String content, String file) {
    }
}

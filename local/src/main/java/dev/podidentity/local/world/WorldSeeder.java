package dev.podidentity.local.world;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.eks.EksEmulator;
import dev.podidentity.local.gateway.FaultInjector;
import dev.podidentity.local.gateway.FaultRule;
import dev.podidentity.local.gateway.RateLimits;
import dev.podidentity.local.kube.KubernetesApis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Builds a world: clusters and IAM in moto, add-ons / associations / status overlays in the emulator, objects in
 * S3, service accounts and workloads in each cluster's Kubernetes API, fault rules on the gateway. Clients talk to moto directly, so seeding is
 * neither counted nor hit by faults.
 */
public final class WorldSeeder {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(account|region|oidcProviderArn|oidcIssuer)(?::([^}]+))?}");
    private static final String THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IamClient iam;
    private final S3Client s3;
    private final EksClient motoEks;
    private final EksEmulator emulator;
    private final KubernetesApis kubernetes;
    private final FaultInjector faults;
    private final RateLimits rateLimits;

    public WorldSeeder(IamClient iam, S3Client s3, EksClient motoEks, EksEmulator emulator, KubernetesApis kubernetes,
                       FaultInjector faults, RateLimits rateLimits) {
        this.iam = iam;
        this.s3 = s3;
        this.motoEks = motoEks;
        this.emulator = emulator;
        this.kubernetes = kubernetes;
        this.faults = faults;
        this.rateLimits = rateLimits;
    }

    /** Seeds the world and returns it with every placeholder resolved. */
    public World seed(WorldFile file) {
        World raw = file.world();
        String account = require(raw.account(), "account");
        String region = require(raw.region(), "region");
        check(raw);

        Map<String, String> issuers = new HashMap<>();
        for (World.Cluster cluster : raw.clusters()) {
            issuers.put(cluster.name(), createCluster(account, cluster));
        }
        World world = file.world(text -> substitute(text, account, region, issuers));

        for (World.Cluster cluster : world.clusters()) {
            if (cluster.hasOidcProvider()) {
                iam.createOpenIDConnectProvider(r -> r.url(issuers.get(cluster.name()))
                        .clientIDList("sts.amazonaws.com").thumbprintList(THUMBPRINT));
            }
        }
        for (World.Policy policy : world.iam().policies()) {
            iam.createPolicy(r -> r.policyName(policy.name()).path(policy.path() == null ? "/" : policy.path())
                    .description(policy.description()).policyDocument(json(policy.document())));
        }
        for (World.Role role : world.iam().roles()) {
            createRole(role);
        }
        for (World.Bucket bucket : world.buckets()) {
            createBucket(file, region, bucket);
        }
        for (World.Cluster cluster : world.clusters()) {
            seedEks(region, cluster);
            // Each cluster's API server holds its service accounts and workloads; DescribeCluster names it.
            String endpoint = kubernetes.put(cluster.name(), cluster.serviceAccounts(), cluster.workloads());
            emulator.setKubernetesEndpoint(region, cluster.name(), endpoint);
        }
        world.faults().forEach(f -> faults.add(FaultRule.fromMap(f)));
        world.rateLimits().forEach(l -> rateLimits.add(RateLimits.Limit.fromMap(l)));
        World.Emulator settings = world.emulator();
        if (settings.addonTransitionMillis() != null) {
            emulator.setAddonTransition(Duration.ofMillis(settings.addonTransitionMillis()));
        }
        if (settings.associationQuota() != null) {
            emulator.setAssociationQuota(settings.associationQuota());
        }
        if (settings.rolePropagationChecks() != null) {
            emulator.setRolePropagationChecks(settings.rolePropagationChecks());
        }
        if (settings.deletePropagationCreates() != null) {
            emulator.setDeletePropagationCreates(settings.deletePropagationCreates());
        }
        return world;
    }

    /** Times the emulator would refuse, checked before anything is created so a bad file seeds nothing. */
    static void check(World world) {
        nonNegative(world.emulator().addonTransitionMillis(), "emulator.addonTransitionMillis");
        for (World.Cluster cluster : world.clusters()) {
            String key = "clusters[" + cluster.name() + "].activeAfterMillis";
            nonNegative(cluster.activeAfterMillis(), key);
            if (cluster.activeAfterMillis() != null && "ACTIVE".equals(cluster.status())) {
                throw new IllegalArgumentException(key + " says when a CREATING cluster turns ACTIVE; this cluster's"
                        + " status is ACTIVE (set status: CREATING, or drop the key)");
            }
        }
    }

    private static void nonNegative(Integer millis, String key) {
        if (millis != null && millis < 0) {
            throw new IllegalArgumentException(key + " must be 0 or more, not " + millis);
        }
    }

    private String createCluster(String account, World.Cluster cluster) {
        return motoEks.createCluster(r -> r.name(cluster.name()).version(cluster.version())
                        .roleArn("arn:aws:iam::" + account + ":role/" + cluster.name() + "-cluster-role")
                        .resourcesVpcConfig(v -> v.subnetIds("subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002")))
                .cluster().identity().oidc().issuer();
    }

    private void createRole(World.Role role) {
        iam.createRole(r -> r.roleName(role.name()).path(role.path()).description(role.description())
                .assumeRolePolicyDocument(json(role.trustPolicy()))
                .permissionsBoundary(role.permissionsBoundary())
                .tags(role.tags().entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
        role.inlinePolicies().forEach((name, document) ->
                iam.putRolePolicy(r -> r.roleName(role.name()).policyName(name).policyDocument(json(document))));
        role.managedPolicies().forEach(arn -> iam.attachRolePolicy(r -> r.roleName(role.name()).policyArn(arn)));
    }

    private void createBucket(WorldFile file, String region, World.Bucket bucket) {
        s3.createBucket(r -> {
            r.bucket(bucket.name());
            if (!region.equals("us-east-1")) {
                r.createBucketConfiguration(c -> c.locationConstraint(region));
            }
        });
        if (Boolean.TRUE.equals(bucket.versioning())) {
            s3.putBucketVersioning(r -> r.bucket(bucket.name()).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        for (World.BucketObject object : bucket.objects()) {
            byte[] content;
            if (object.content() != null) {
                content = object.content().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else if (object.file() != null) {
                try {
                    content = Files.readAllBytes(file.baseDir().resolve(object.file()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + object.file() + " for s3://" + bucket.name() + "/" + object.key(), e);
                }
            } else {
                throw new IllegalArgumentException("object " + object.key() + " needs content or file");
            }
            s3.putObject(r -> r.bucket(bucket.name()).key(object.key()), RequestBody.fromBytes(content));
        }
    }

    private void seedEks(String region, World.Cluster cluster) {
        for (World.Addon addon : cluster.addons()) {
            emulator.seedAddon(region, cluster.name(), addon.name(), addon.version(), addon.serviceAccountRoleArn(),
                    addon.podIdentityAssociations().stream()
                            .map(a -> new EksEmulator.DesiredAssociation(a.serviceAccount(), a.roleArn())).toList());
        }
        for (World.Association association : cluster.podIdentityAssociations()) {
            ObjectNode body = JSON.valueToTree(association);
            emulator.createPodIdentityAssociation(region, cluster.name(), body);
        }
        if (cluster.isAutoMode()) {
            emulator.setAutoMode(region, cluster.name(), true);
        }
        if (!"ACTIVE".equals(cluster.status())) {
            emulator.setClusterStatus(region, cluster.name(), cluster.status(), cluster.activeAfterMillis() == null
                    ? null : Duration.ofMillis(cluster.activeAfterMillis()));
        }
    }

    static String substitute(String text, String account, String region, Map<String, String> issuers) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "account" -> account;
                case "region" -> region;
                case "oidcIssuer" -> issuerHostPath(issuers, m.group(2));
                case "oidcProviderArn" -> "arn:aws:iam::" + account + ":oidc-provider/" + issuerHostPath(issuers, m.group(2));
                default -> throw new IllegalStateException(m.group());
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String issuerHostPath(Map<String, String> issuers, String cluster) {
        String issuer = issuers.get(cluster);
        if (issuer == null) {
            throw new IllegalArgumentException("placeholder names unknown cluster '" + cluster + "'");
        }
        return issuer.replaceFirst("^https://", "");
    }

    private static String json(Object document) {
        if (document == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("world file needs '" + field + "'");
        }
        return value;
    }
}

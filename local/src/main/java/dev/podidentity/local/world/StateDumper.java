package dev.podidentity.local.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podidentity.local.eks.EksEmulator;
import dev.podidentity.local.kube.KubernetesApis;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads the whole local world back as one JSON document: IAM (roles with decoded trust and inline policy documents,
 * attached policies, boundary, tags; customer managed policies; OIDC providers), clusters (status, Auto Mode,
 * add-ons with their associations, every association, access entries, service accounts) and bucket keys.
 */
public final class StateDumper {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String account;
    private final String region;
    private final IamClient iam;
    private final S3Client s3;
    private final EksClient motoEks;
    private final EksEmulator emulator;
    private final KubernetesApis serviceAccounts;

    public StateDumper(String account, String region, IamClient iam, S3Client s3, EksClient motoEks, EksEmulator emulator,
                       KubernetesApis serviceAccounts) {
        this.account = account;
        this.region = region;
        this.iam = iam;
        this.s3 = s3;
        this.motoEks = motoEks;
        this.emulator = emulator;
        this.serviceAccounts = serviceAccounts;
    }

    public ObjectNode dump() {
        ObjectNode out = JSON.createObjectNode();
        out.put("account", account);
        out.put("region", region);
        out.set("iam", iamState());
        out.set("clusters", clusters());
        out.set("buckets", buckets());
        return out;
    }

    private ObjectNode iamState() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode roles = out.putArray("roles");
        iam.listRolesPaginator(r -> { }).roles().stream().sorted(Comparator.comparing(Role::roleName))
                .forEach(listed -> roles.add(role(listed.roleName())));
        ArrayNode policies = out.putArray("policies");
        iam.listPoliciesPaginator(r -> r.scope(PolicyScopeType.LOCAL)).policies().forEach(policy -> {
            ObjectNode p = policies.addObject();
            p.put("name", policy.policyName());
            p.put("arn", policy.arn());
            p.put("path", policy.path());
            String document = iam.getPolicyVersion(r -> r.policyArn(policy.arn()).versionId(policy.defaultVersionId()))
                    .policyVersion().document();
            p.set("document", decodeDocument(document));
        });
        ArrayNode providers = out.putArray("oidcProviders");
        iam.listOpenIDConnectProviders().openIDConnectProviderList().forEach(p -> providers.add(p.arn()));
        return out;
    }

    private ObjectNode role(String name) {
        Role role = iam.getRole(r -> r.roleName(name)).role();
        ObjectNode out = JSON.createObjectNode();
        out.put("name", role.roleName());
        out.put("arn", role.arn());
        out.put("path", role.path());
        if (role.description() != null) {
            out.put("description", role.description());
        }
        out.set("trustPolicy", decodeDocument(role.assumeRolePolicyDocument()));
        ObjectNode inline = out.putObject("inlinePolicies");
        iam.listRolePoliciesPaginator(r -> r.roleName(name)).policyNames().forEach(policy ->
                inline.set(policy, decodeDocument(iam.getRolePolicy(r -> r.roleName(name).policyName(policy)).policyDocument())));
        ArrayNode attached = out.putArray("attachedPolicies");
        iam.listAttachedRolePoliciesPaginator(r -> r.roleName(name)).attachedPolicies().forEach(p -> attached.add(p.policyArn()));
        if (role.permissionsBoundary() != null) {
            out.put("permissionsBoundary", role.permissionsBoundary().permissionsBoundaryArn());
        } else {
            out.putNull("permissionsBoundary");
        }
        ObjectNode tags = out.putObject("tags");
        iam.listRoleTagsPaginator(r -> r.roleName(name)).tags().forEach(t -> tags.put(t.key(), t.value()));
        return out;
    }

    private ArrayNode clusters() {
        ArrayNode out = JSON.createArrayNode();
        for (String name : motoEks.listClustersPaginator(r -> { }).clusters().stream().sorted().toList()) {
            Cluster cluster = motoEks.describeCluster(r -> r.name(name)).cluster();
            ObjectNode c = out.addObject();
            c.put("name", name);
            c.put("arn", cluster.arn());
            c.put("version", cluster.version());
            c.put("status", emulator.clusterStatus(region, name));
            c.put("autoMode", emulator.autoMode(region, name));
            c.put("oidcIssuer", cluster.identity() == null ? null : cluster.identity().oidc().issuer());
            ObjectNode eks = emulator.snapshot(region, name);
            Map<String, JsonNode> byArn = new HashMap<>();
            eks.withArray("podIdentityAssociations").forEach(a -> byArn.put(a.path("associationArn").asText(), a));
            ArrayNode addons = c.putArray("addons");
            for (JsonNode addon : eks.withArray("addons")) {
                ObjectNode a = addons.addObject();
                a.put("name", addon.path("addonName").asText());
                a.put("status", addon.path("status").asText());
                a.put("version", addon.path("addonVersion").asText());
                a.set("serviceAccountRoleArn", addon.get("serviceAccountRoleArn"));
                a.set("health", addon.get("health"));
                a.set("namespace", addon.path("namespaceConfig").get("namespace"));
                a.set("configurationValues", addon.get("configurationValues"));
                a.set("tags", addon.get("tags"));
                ArrayNode owned = a.putArray("podIdentityAssociations");
                for (JsonNode arn : addon.withArray("podIdentityAssociations")) {
                    JsonNode association = byArn.get(arn.asText());
                    ObjectNode entry = owned.addObject();
                    entry.put("associationArn", arn.asText());
                    if (association != null) {
                        entry.set("associationId", association.get("associationId"));
                        entry.set("namespace", association.get("namespace"));
                        entry.set("serviceAccount", association.get("serviceAccount"));
                        entry.set("roleArn", association.get("roleArn"));
                    }
                }
            }
            c.set("podIdentityAssociations", eks.get("podIdentityAssociations"));
            c.set("accessEntries", eks.get("accessEntries"));
            c.set("serviceAccounts", JSON.valueToTree(serviceAccounts.get(name)));
        }
        return out;
    }

    private ArrayNode buckets() {
        ArrayNode out = JSON.createArrayNode();
        for (Bucket bucket : s3.listBuckets().buckets()) {
            ObjectNode b = out.addObject();
            b.put("name", bucket.name());
            ArrayNode keys = b.putArray("keys");
            s3.listObjectsV2Paginator(r -> r.bucket(bucket.name())).contents().stream().map(S3Object::key).forEach(keys::add);
        }
        return out;
    }

    /** IAM returns policy documents URL-encoded; the dump shows them as JSON objects. */
    static JsonNode decodeDocument(String document) {
        if (document == null) {
            return JSON.nullNode();
        }
        String text = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}

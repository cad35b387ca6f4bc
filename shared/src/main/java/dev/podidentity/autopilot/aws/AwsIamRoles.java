package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.port.IamRoles;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/** {@link IamRoles} with the SDK's IamClient. Every SDK error goes through {@link AwsErrors}. */
public final class AwsIamRoles implements IamRoles {
    private final IamClient iam;

    public AwsIamRoles(IamClient iam) {
        this.iam = Objects.requireNonNull(iam, "iam");
    }

    @Override
    public Optional<IamRole> getRole(String roleName) {
        try {
            Role role = iam.getRole(r -> r.roleName(roleName)).role();
            Map<String, String> tags = new LinkedHashMap<>();
            role.tags().forEach(t -> tags.put(t.key(), t.value()));
            String boundary = role.permissionsBoundary() == null ? null
                    : role.permissionsBoundary().permissionsBoundaryArn();
            return Optional.of(new IamRole(role.arn(), role.roleName(), role.path(),
                    decode(role.assumeRolePolicyDocument()), boundary, tags));
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "GetRole \"" + roleName + "\"");
        }
    }

    @Override
    public List<String> listRoleNames(String pathPrefix) {
        try {
            return iam.listRolesPaginator(r -> r.pathPrefix(pathPrefix).maxItems(1000)).roles().stream()
                    .map(Role::roleName).toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListRoles " + pathPrefix);
        }
    }

    @Override
    public List<RoleSummary> listRoles(String pathPrefix) {
        try {
            return iam.listRolesPaginator(r -> r.pathPrefix(pathPrefix).maxItems(1000)).roles().stream()
                    .map(r -> new RoleSummary(r.roleName(), r.arn(), r.createDate())).toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListRoles " + pathPrefix);
        }
    }

    @Override
    public boolean policyExists(String policyArn) {
        try {
            iam.getPolicy(r -> r.policyArn(policyArn));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            throw AwsErrors.map(e, "GetPolicy " + policyArn);
        }
    }

    @Override
    public List<String> attachedPolicyArns(String roleName) {
        try {
            return iam.listAttachedRolePoliciesPaginator(r -> r.roleName(roleName)).attachedPolicies().stream()
                    .map(AttachedPolicy::policyArn).toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListAttachedRolePolicies \"" + roleName + "\"");
        }
    }

    @Override
    public List<String> inlinePolicyNames(String roleName) {
        try {
            return iam.listRolePoliciesPaginator(r -> r.roleName(roleName)).policyNames().stream().toList();
        } catch (SdkException e) {
            throw AwsErrors.map(e, "ListRolePolicies \"" + roleName + "\"");
        }
    }

    @Override
    public Optional<String> inlinePolicy(String roleName, String policyName) {
        try {
            return Optional.of(decode(iam.getRolePolicy(r -> r.roleName(roleName).policyName(policyName))
                    .policyDocument()));
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "GetRolePolicy \"" + roleName + "\" \"" + policyName + "\"");
        }
    }

    @Override
    public boolean createRole(NewRole role) {
        try {
            iam.createRole(r -> r.roleName(role.name()).path(role.path())
                    .assumeRolePolicyDocument(role.trustPolicyJson())
                    .permissionsBoundary(role.permissionsBoundaryArn())
                    .description(role.description())
                    .tags(tags(role.tags())));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "EntityAlreadyExists")) {
                return false;
            }
            throw AwsErrors.map(e, "CreateRole \"" + role.name() + "\"");
        }
    }

    @Override
    public void updateTrustPolicy(String roleName, String policyJson) {
        try {
            iam.updateAssumeRolePolicy(r -> r.roleName(roleName).policyDocument(policyJson));
        } catch (SdkException e) {
            throw AwsErrors.map(e, "UpdateAssumeRolePolicy \"" + roleName + "\"");
        }
    }

    @Override
    public void attachPolicy(String roleName, String policyArn) {
        try {
            iam.attachRolePolicy(r -> r.roleName(roleName).policyArn(policyArn));
        } catch (SdkException e) {
            throw AwsErrors.map(e, "AttachRolePolicy \"" + roleName + "\" " + policyArn);
        }
    }

    @Override
    public boolean detachPolicy(String roleName, String policyArn) {
        try {
            iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(policyArn));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            throw AwsErrors.map(e, "DetachRolePolicy \"" + roleName + "\" " + policyArn);
        }
    }

    @Override
    public void putInlinePolicy(String roleName, String policyName, String policyJson) {
        try {
            iam.putRolePolicy(r -> r.roleName(roleName).policyName(policyName).policyDocument(policyJson));
        } catch (SdkException e) {
            throw AwsErrors.map(e, "PutRolePolicy \"" + roleName + "\" \"" + policyName + "\"");
        }
    }

    @Override
    public boolean deleteInlinePolicy(String roleName, String policyName) {
        try {
            iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policyName));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            throw AwsErrors.map(e, "DeleteRolePolicy \"" + roleName + "\" \"" + policyName + "\"");
        }
    }

    @Override
    public void putPermissionsBoundary(String roleName, String boundaryArn) {
        try {
            iam.putRolePermissionsBoundary(r -> r.roleName(roleName).permissionsBoundary(boundaryArn));
        } catch (SdkException e) {
            throw AwsErrors.map(e, "PutRolePermissionsBoundary \"" + roleName + "\"");
        }
    }

    @Override
    public void deletePermissionsBoundary(String roleName) {
        try {
            iam.deleteRolePermissionsBoundary(r -> r.roleName(roleName));
        } catch (SdkException e) {
            throw AwsErrors.map(e, "DeleteRolePermissionsBoundary \"" + roleName + "\"");
        }
    }

    @Override
    public void tagRole(String roleName, Map<String, String> tags) {
        try {
            iam.tagRole(r -> r.roleName(roleName).tags(tags(tags)));
        } catch (SdkException e) {
            throw AwsErrors.map(e, "TagRole \"" + roleName + "\"");
        }
    }

    @Override
    public boolean deleteRole(String roleName) {
        try {
            iam.deleteRole(r -> r.roleName(roleName));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            if (AwsErrors.is(e, "DeleteConflict")) {
                throw new DeleteConflictException("DeleteRole \"" + roleName + "\": " + e.getMessage(), e);
            }
            throw AwsErrors.map(e, "DeleteRole \"" + roleName + "\"");
        }
    }

    @Override
    public boolean oidcProviderExists(String providerArn) {
        try {
            iam.getOpenIDConnectProvider(r -> r.openIDConnectProviderArn(providerArn));
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            throw AwsErrors.map(e, "GetOpenIDConnectProvider " + providerArn);
        }
    }

    /** IAM returns policy documents URL-encoded (GetRole, GetRolePolicy); a plain JSON document is kept as it is. */
    static String decode(String document) {
        if (document == null) {
            return null;
        }
        String trimmed = document.trim();
        return trimmed.startsWith("{") ? trimmed : URLDecoder.decode(trimmed, StandardCharsets.UTF_8);
    }

    private static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}

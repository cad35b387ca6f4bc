package dev.podidentity.autopilot.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM role operations the executors and the observer need, in domain terms. Implementations map AWS errors
 * to the {@code error} package; the answers that are normal outcomes (a role that is not there, a role that
 * already exists, a policy already detached) are return values, not exceptions.
 */
public interface IamRoles {

    /** GetRole: the role with its trust policy already URL-decoded, its boundary and tags; empty when absent. */
    Optional<IamRole> getRole(String roleName);

    /** ListRoles (all pages) under a path prefix ({@code /} for every role): names of the roles that exist. */
    List<String> listRoleNames(String pathPrefix);

    /** ListRoles (all pages) under a path prefix: name, ARN and creation time of each (ListRoles returns no tags). */
    List<RoleSummary> listRoles(String pathPrefix);

    /** GetPolicy: whether the managed policy exists (customer or AWS managed). */
    boolean policyExists(String policyArn);

    /** One role of a ListRoles page. */
    record RoleSummary(String name, String arn, java.time.Instant createDate) {
    }

    /** ListAttachedRolePolicies, all pages. */
    List<String> attachedPolicyArns(String roleName);

    /** ListRolePolicies, all pages. */
    List<String> inlinePolicyNames(String roleName);

    /** GetRolePolicy: the decoded document; empty when the policy is not there. */
    Optional<String> inlinePolicy(String roleName, String policyName);

    /** CreateRole; false when a role of that name already exists (at any path). */
    boolean createRole(NewRole role);

    void updateTrustPolicy(String roleName, String policyJson);

    void attachPolicy(String roleName, String policyArn);

    /** DetachRolePolicy; false when it was not attached. */
    boolean detachPolicy(String roleName, String policyArn);

    void putInlinePolicy(String roleName, String policyName, String policyJson);

    /** DeleteRolePolicy; false when it was not there. */
    boolean deleteInlinePolicy(String roleName, String policyName);

    void putPermissionsBoundary(String roleName, String boundaryArn);

    void deletePermissionsBoundary(String roleName);

    void tagRole(String roleName, Map<String, String> tags);

    /**
     * DeleteRole; false when it was already gone.
     *
     * @throws DeleteConflictException when policies are still attached (the caller detaches and retries)
     */
    boolean deleteRole(String roleName);

    /** GetOpenIDConnectProvider: whether the IRSA provider exists. */
    boolean oidcProviderExists(String providerArn);

    /** A role as GetRole returns it. */
    record IamRole(String arn, String name, String path, String trustPolicyJson, String permissionsBoundaryArn,
                   Map<String, String> tags) {
        public IamRole {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** What CreateRole sends. */
    record NewRole(String name, String path, String trustPolicyJson, String permissionsBoundaryArn,
                   Map<String, String> tags, String description) {
        public NewRole {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** IAM's DeleteConflict: the role still has policies or instance profiles. */
    final class DeleteConflictException extends RuntimeException {
        public DeleteConflictException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

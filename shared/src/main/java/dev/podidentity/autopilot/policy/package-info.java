/**
 * IAM policy documents as values, and the policies this application creates or edits. No AWS SDK types.
 *
 * <ul>
 *   <li>{@link dev.podidentity.autopilot.policy.PolicyDocument} / {@link dev.podidentity.autopilot.policy.Statement}:
 *       immutable documents; parse JSON, YAML trees and GetRole's URL-encoded JSON; canonical JSON out (key order
 *       fixed, single values written as strings, principal types and condition keys sorted). Parse errors are
 *       {@link dev.podidentity.autopilot.policy.PolicyFormatException} with a path inside the document.</li>
 *   <li>{@link dev.podidentity.autopilot.policy.PolicySize}: IAM's character limits, white space not counted.</li>
 *   <li>{@link dev.podidentity.autopilot.policy.TrustPolicies}: the pod identity trust statement and the edits of
 *       the trust-policy updater and migration planner.</li>
 *   <li>{@link dev.podidentity.autopilot.policy.WellKnownPolicies}, {@link dev.podidentity.autopilot.policy.RolePermissions},
 *       {@link dev.podidentity.autopilot.policy.AddonRecommendations}: what a role we create carries, as eksctl
 *       would build it.</li>
 * </ul>
 */
package dev.podidentity.autopilot.policy;

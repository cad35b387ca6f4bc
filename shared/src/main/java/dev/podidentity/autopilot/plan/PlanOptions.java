package dev.podidentity.autopilot.plan;

/**
 * How to plan, beyond the config: stack parameters and the console input's switches.
 *
 * @param rolePath                           path of every role we create ({@code /} or {@code /a/b/}); the
 *                                           functions' IAM policy limits them to it
 * @param permissionsBoundaryArn             boundary for created roles when the entry sets none; null for none
 * @param removeOidcProviderTrustRelationship migrate: drop OIDC trust from service-account roles and remove the
 *                                           IRSA annotation (addon roles always lose OIDC trust)
 * @param approve                            migrate: apply, not only plan
 * @param dryRun                             any action: plan only
 * @param preserve                           delete-addon: keep the addon's Kubernetes resources, its pod identity
 *                                           associations and the roles we created for it (eksctl's --preserve)
 */
public record PlanOptions(String rolePath, String permissionsBoundaryArn, boolean removeOidcProviderTrustRelationship,
                          boolean approve, boolean dryRun, boolean preserve) {

    public PlanOptions(String rolePath, String permissionsBoundaryArn, boolean removeOidcProviderTrustRelationship,
                       boolean approve, boolean dryRun) {
        this(rolePath, permissionsBoundaryArn, removeOidcProviderTrustRelationship, approve, dryRun, false);
    }

    public PlanOptions {
        rolePath = rolePath == null || rolePath.isEmpty() ? "/" : rolePath;
        if (!rolePath.startsWith("/") || !rolePath.endsWith("/")) {
            throw new IllegalArgumentException("role path \"" + rolePath + "\" must start and end with /");
        }
    }

    public static PlanOptions defaults() {
        return new PlanOptions("/", null, false, false, false);
    }

    public PlanOptions withRolePath(String path) {
        return new PlanOptions(path, permissionsBoundaryArn, removeOidcProviderTrustRelationship, approve, dryRun, preserve);
    }

    public PlanOptions withPermissionsBoundary(String arn) {
        return new PlanOptions(rolePath, arn, removeOidcProviderTrustRelationship, approve, dryRun, preserve);
    }

    public PlanOptions withRemoveOidcProviderTrustRelationship(boolean remove) {
        return new PlanOptions(rolePath, permissionsBoundaryArn, remove, approve, dryRun, preserve);
    }

    public PlanOptions withApprove(boolean a) {
        return new PlanOptions(rolePath, permissionsBoundaryArn, removeOidcProviderTrustRelationship, a, dryRun, preserve);
    }

    public PlanOptions withDryRun(boolean d) {
        return new PlanOptions(rolePath, permissionsBoundaryArn, removeOidcProviderTrustRelationship, approve, d, preserve);
    }

    public PlanOptions withPreserve(boolean p) {
        return new PlanOptions(rolePath, permissionsBoundaryArn, removeOidcProviderTrustRelationship, approve, dryRun,
                p);
    }
}

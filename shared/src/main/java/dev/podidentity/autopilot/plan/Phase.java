package dev.podidentity.autopilot.plan;

/**
 * The state machine's stages, in execution order. Each step belongs to one; the steps of a phase are independent
 * of each other (Step Functions runs them in a Map), and each phase needs the ones before it to have finished.
 */
public enum Phase {
    /** Poll the cluster until ACTIVE (a cluster still being created). */
    WAIT_ACTIVE,
    /** Install the pod identity agent addon. */
    AGENT,
    /** Trust policies of existing roles: add the pods.eks statement, drop OIDC trust. */
    TRUST,
    /** Create roles and create or update standalone associations. */
    ASSOCIATE,
    /** Create, update and migrate addons with their pod identities. */
    ADDONS,
    /** Delete what the request removes: associations, owned roles, addons, IRSA annotations. */
    PRUNE,
    /** Read-only results (get). */
    REPORT;

    /** The lower-case name used in plan text and state machine paths. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

package dev.podidentity.autopilot.execute;

/**
 * Whether a creating executor reads before it writes.
 *
 * <p>{@link #READ_FIRST} (the default) looks first (GetRole, ListPodIdentityAssociations for the service account)
 * and writes only what is missing, so a rerun of a done step makes no write call at all: one extra read per role and
 * per association. {@link #TRUST_PLAN} writes straight away, as the plan (observed moments ago) says nothing exists,
 * and falls back to reading only when IAM or EKS answers "already exists": writes only on the happy path, and the
 * same end state, but a rerun of a done step costs one refused CreateRole and one refused
 * CreatePodIdentityAssociation. Handlers use TRUST_PLAN for a step's first attempt right after Resolve and READ_FIRST
 * for retries (Step Functions passes {@code $$.State.RetryCount}).
 */
public enum Preflight {
    READ_FIRST,
    TRUST_PLAN
}

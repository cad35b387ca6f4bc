package dev.podidentity.local.iam;

import java.util.List;

/**
 * Identity-based policy evaluation within one account, as the IAM User Guide's "Policy evaluation logic" lays it out
 * for a principal without permissions boundary, session policy, SCP or RCP: an explicit Deny in any statement that
 * applies wins; otherwise an Allow that applies grants; otherwise the request is implicitly denied.
 */
public final class PolicyEvaluator {
    /** The outcome, with the statements that decided it (the denying ones, or the allowing ones). */
    public record Decision(Effect effect, List<Statement> decidedBy) {
        public boolean allowed() {
            return effect == Effect.ALLOW;
        }
    }

    public enum Effect { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

    private PolicyEvaluator() {
    }

    public static Decision evaluate(List<Statement> statements, RequestContext request) {
        List<Statement> denies = statements.stream().filter(s -> !s.allow() && s.applies(request)).toList();
        if (!denies.isEmpty()) {
            return new Decision(Effect.EXPLICIT_DENY, denies);
        }
        List<Statement> allows = statements.stream().filter(s -> s.allow() && s.applies(request)).toList();
        return allows.isEmpty() ? new Decision(Effect.IMPLICIT_DENY, List.of()) : new Decision(Effect.ALLOW, allows);
    }
}

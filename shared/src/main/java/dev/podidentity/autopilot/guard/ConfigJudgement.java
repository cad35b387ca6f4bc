package dev.podidentity.autopilot.guard;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.validate.ConfigValidator;

import java.util.ArrayList;
import java.util.List;

/**
 * The one judgement of a config: the validator's rules, then the deployment's guardrails. A run's Resolve, the
 * sweep's plan-only Resolve and {@code ./run-local validate} all call this, with the deployment's parameters, so none
 * of them can say "valid" about a config another refuses. Offline ({@link IamFacts#OFFLINE}) the checks that need
 * IAM's answers are left to the run.
 */
public final class ConfigJudgement {
    private ConfigJudgement() {
    }

    /** The validator's problems, then the guardrails'. */
    public static List<Problem> judge(ClusterConfig config, Action action, Guardrails guardrails, IamFacts facts) {
        List<Problem> problems = new ArrayList<>();
        // The association count is the MaxAssociations guardrail's to judge (named by rule), not the validator's.
        problems.addAll(ConfigValidator.validate(config, action, Integer.MAX_VALUE));
        problems.addAll(GuardrailCheck.check(config, guardrails, facts));
        return problems;
    }
}

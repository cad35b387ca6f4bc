package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.run.contract.RunPhases;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.podidentity.autopilot.plan.Step;
import dev.podidentity.autopilot.run.contract.PlanSummary;

import java.util.List;

/**
 * A run as Resolve planned it, whole and not yet published: the Resolve fields (statemachine/README.md), the
 * context and every step per phase. {@link RunOutput#publish} moves the steps and the whole plan text to the plan
 * object and returns what the state carries; the sweep's drift check reads it as it is.
 */
public record ResolvedRun(String action, String cluster, boolean planOnly, boolean waitForCluster,
                          boolean installAgent, boolean waitForAgent, boolean superseded, Context context,
                          Phases phases, String planText, PlanSummary summary) {

    /** Where the plan applies; a run that observed no cluster (superseded, offboard) knows its name only. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Context(String cluster, String account, String region, String partition) {
        public static Context of(String cluster) {
            return new Context(cluster, null, null, null);
        }
    }

    /** Every step of the plan per state machine phase, in the order they run. */
    public record Phases(List<Step> agent, List<Step> trust, List<Step> associate, List<Step> addons,
                         List<Step> prune) {
        public Phases {
            agent = List.copyOf(agent);
            trust = List.copyOf(trust);
            associate = List.copyOf(associate);
            addons = List.copyOf(addons);
            prune = List.copyOf(prune);
        }

        /** The steps of one batch phase, by its label. */
        public List<Step> of(String phase) {
            return RunPhases.pick(phase, trust, associate, addons, prune);
        }
    }

    public ResolvedRun withSummary(PlanSummary changed) {
        return new ResolvedRun(action, cluster, planOnly, waitForCluster, installAgent, waitForAgent, superseded,
                context, phases, planText, changed);
    }

    /** This run standing down for a newer upload: no steps run, the text says why. */
    public ResolvedRun asSuperseded(String text, PlanSummary changed) {
        return new ResolvedRun(action, cluster, planOnly, waitForCluster, installAgent, waitForAgent, true, context,
                phases, text, changed);
    }
}

package dev.podidentity.local.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** The active fault rules and how many calls each has matched. Thread-safe. */
public final class FaultInjector {
    /**
     * What to do to one call: wait, then maybe answer with an error instead of serving it, or serve it and crash
     * the function invocation that made it.
     */
    record Decision(long latencyMs, FaultRule error, boolean crash) {
        static final Decision NONE = new Decision(0, null, false);
    }

    private final List<ActiveRule> rules = new CopyOnWriteArrayList<>();

    public void add(FaultRule rule) {
        rules.add(new ActiveRule(rule));
    }

    public void addAll(List<FaultRule> faults) {
        faults.forEach(this::add);
    }

    public void clear() {
        rules.clear();
    }

    public List<FaultRule> rules() {
        return rules.stream().map(r -> r.rule).toList();
    }

    /** How many calls a rule has fired on (not just matched). */
    public int fired(FaultRule rule) {
        return rules.stream().filter(r -> r.rule.equals(rule)).mapToInt(r -> r.fired).sum();
    }

    /** Faults fired so far by every rule together. */
    public int firedTotal() {
        return rules.stream().mapToInt(r -> r.fired).sum();
    }

    /**
     * The latency every matching call gets from the unconditional latency rules, without counting the call against
     * any rule: what a call that never reaches the service (throttled at the door) still takes.
     */
    long steadyLatency(String service, String operation) {
        return rules.stream().map(r -> r.rule)
                .filter(r -> r.kind() == FaultRule.Kind.LATENCY && r.firstN() == null && r.fraction() == null
                        && r.window() == null && r.matches(service, operation))
                .mapToLong(FaultRule::latencyMs).sum();
    }

    Decision decide(String service, String operation) {
        return decide(service, operation, false);
    }

    /**
     * @param fromFunction whether the call was made inside an in-process function invocation (only those can be
     *                     crashed; CRASH rules ignore other calls)
     */
    Decision decide(String service, String operation, boolean fromFunction) {
        long latency = 0;
        FaultRule error = null;
        boolean crash = false;
        List<ActiveRule> snapshot = new ArrayList<>(rules);
        for (ActiveRule active : snapshot) {
            boolean crashRule = active.rule.kind() == FaultRule.Kind.CRASH;
            if (!active.rule.matches(service, operation) || (crashRule && !fromFunction) || !active.fires()) {
                continue;
            }
            if (active.rule.kind() == FaultRule.Kind.LATENCY) {
                latency += active.rule.latencyMs();
            } else if (crashRule) {
                crash = true;
            } else if (error == null) {
                error = active.rule;
            }
        }
        return latency == 0 && error == null && !crash ? Decision.NONE : new Decision(latency, error, crash);
    }

    private static final class ActiveRule {
        final FaultRule rule;
        final Random random;
        int matched;
        int fired;

        ActiveRule(FaultRule rule) {
            this.rule = rule;
            this.random = new Random(rule.seed());
        }

        synchronized boolean fires() {
            matched++;
            boolean fire;
            if (rule.window() != null && matched > rule.window()) {
                fire = false;
            } else if (rule.firstN() != null) {
                fire = matched <= rule.firstN();
            } else if (rule.fraction() != null) {
                fire = random.nextDouble() < rule.fraction();
            } else {
                fire = true;
            }
            if (fire) {
                fired++;
            }
            return fire;
        }
    }
}

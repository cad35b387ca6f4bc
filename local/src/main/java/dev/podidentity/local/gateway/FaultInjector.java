package dev.podidentity.local.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** The active fault rules and how many calls each has matched. Thread-safe. */
public final class FaultInjector {
    /** What to do to one call: wait, then maybe answer with an error instead of serving it. */
    record Decision(long latencyMs, FaultRule error) {
        static final Decision NONE = new Decision(0, null);
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

    Decision decide(String service, String operation) {
        long latency = 0;
        FaultRule error = null;
        List<ActiveRule> snapshot = new ArrayList<>(rules);
        for (ActiveRule active : snapshot) {
            if (!active.rule.matches(service, operation) || !active.fires()) {
                continue;
            }
            if (active.rule.kind() == FaultRule.Kind.LATENCY) {
                latency += active.rule.latencyMs();
            } else if (error == null) {
                error = active.rule;
            }
        }
        return latency == 0 && error == null ? Decision.NONE : new Decision(latency, error);
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
            if (rule.firstN() != null) {
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

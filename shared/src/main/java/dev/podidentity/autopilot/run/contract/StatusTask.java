package dev.podidentity.autopilot.run.contract;

/**
 * ClusterStatus's input: {@code kind} is {@code cluster} or {@code addon}; {@code attempt} the previous result's;
 * {@code action} the run's (for {@code offboard} the cluster wait waits until the cluster is gone).
 */
public record StatusTask(String kind, String action, String cluster, String addon, Integer attempt) {
}

package dev.podidentity.autopilot.run.contract;

/** ClusterStatus's input: {@code kind} is {@code cluster} or {@code addon}; {@code attempt} the previous result's. */
public record StatusTask(String kind, String cluster, String addon, Integer attempt) {
}

package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/** ClusterStatus's result at {@code $.clusterWait} / {@code $.agentWait}; {@code detail} only when there is one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusResult(String status, boolean done, boolean failed, int attempt, boolean giveUp, String detail) {
}

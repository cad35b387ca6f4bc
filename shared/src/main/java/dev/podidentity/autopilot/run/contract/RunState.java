package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The whole state a run carries (statemachine/README.md, "The state the run carries"): every path the Report reads
 * exists from the first state on. {@code lockRelease} and {@code reportError} are set by the last states.
 *
 * @param replannedOnActive set when the run planned again after waiting for its cluster to become ACTIVE (once)
 */
public record RunState(JsonNode input, RunSettingsState settings, ResolveOutput run, RunError error, LockResult lock,
                       StatusResult clusterWait, StatusResult agentWait, boolean replannedOnActive, Outcomes outcomes,
                       ReportResult report, LockRelease lockRelease, RunError reportError) {
}

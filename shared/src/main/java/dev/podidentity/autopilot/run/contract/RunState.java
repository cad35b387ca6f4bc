package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The whole state a run carries (statemachine/README.md, "The state the run carries"): every path the Report reads
 * exists from the first state on. {@code lockRelease} and {@code reportError} are set by the last states.
 */
public record RunState(JsonNode input, RunSettingsState settings, ResolveOutput run, RunError error, LockResult lock,
                       StatusResult clusterWait, StatusResult agentWait, Outcomes outcomes, ReportResult report,
                       LockRelease lockRelease, RunError reportError) {
}

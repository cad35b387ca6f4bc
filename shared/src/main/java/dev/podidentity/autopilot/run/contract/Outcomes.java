package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** {@code $.outcomes}: InstallAgent's outcome (or null) and one result per batch of each phase, in batch order. */
public record Outcomes(JsonNode agent, List<BatchResult> trust, List<BatchResult> associate,
                       List<BatchResult> addons, List<BatchResult> prune) {
}

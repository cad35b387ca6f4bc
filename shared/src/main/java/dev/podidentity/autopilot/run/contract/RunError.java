package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What stopped a run ({@code $.error}), in Step Functions' own shape: {@code {"Error", "Cause"}}. */
public record RunError(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {
}

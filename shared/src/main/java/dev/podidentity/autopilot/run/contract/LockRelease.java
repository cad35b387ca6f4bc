package dev.podidentity.autopilot.run.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Release's result at {@code $.lockRelease}; {@code reason} when nothing was released. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockRelease(boolean released, String lockId, String reason) {
}

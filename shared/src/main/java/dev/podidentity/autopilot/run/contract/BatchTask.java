package dev.podidentity.autopilot.run.contract;

/** A phase function's input: one batch, the plan it indexes, and the execution name (client request tokens). */
public record BatchTask(BatchDescriptor batch, String planKey, String execution) {
}

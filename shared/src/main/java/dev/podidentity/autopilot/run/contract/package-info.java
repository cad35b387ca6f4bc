/**
 * The run contract: what the state machine carries between its states and hands each task, as records. Jackson
 * binds them at the handler border ({@code lambda.TaskHandler}); the JSON names are the ones
 * {@code statemachine/pod-identity.asl.json} reads and {@code statemachine/README.md} documents, and
 * {@code RunContractTest} checks every ASL path against these records. {@link RunState} is the whole state; each
 * task's input and result is a record of its own.
 */
package dev.podidentity.autopilot.run.contract;

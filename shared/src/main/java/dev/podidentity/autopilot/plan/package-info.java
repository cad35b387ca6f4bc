/**
 * The planner: turns a validated config, an action and the observed cluster into a {@link
 * dev.podidentity.autopilot.plan.Plan}. Pure Java, no AWS SDK types, writes nothing.
 *
 * <h2>For Resolve</h2>
 * <ol>
 *   <li>Observe the cluster, its addons and associations, addon pod identity support, and (migrate only) the
 *       service accounts annotated {@code eks.amazonaws.com/role-arn}.</li>
 *   <li>{@link dev.podidentity.autopilot.plan.Planner#rolesToObserve} names the IAM roles to read next (by ARN and
 *       by name); add them to a {@link dev.podidentity.autopilot.plan.ClusterState}.</li>
 *   <li>{@link dev.podidentity.autopilot.plan.Planner#plan} gives {@code Planned(plan)} or {@code Refused(problems)}
 *       (problems name config fields with line and column, like the validator's).</li>
 *   <li>{@link dev.podidentity.autopilot.plan.PlanText#render} for people, {@link
 *       dev.podidentity.autopilot.plan.PlanJson#write} for the state machine; {@code plan.planOnly()} tells the Gate
 *       to stop.</li>
 * </ol>
 *
 * <h2>For executors</h2>
 * {@link dev.podidentity.autopilot.plan.Plan#stepsIn} gives a phase's steps (independent of each other: a Map);
 * {@link dev.podidentity.autopilot.plan.PlanJson#readStep} reads one. Each {@link
 * dev.podidentity.autopilot.plan.Step} kind is one kind of write and carries every value it needs; the executor
 * re-checks only what may have changed since planning (already done counts as success, "unchanged").
 */
package dev.podidentity.autopilot.plan;

/**
 * Resolve's eyes: {@link dev.podidentity.autopilot.observe.ClusterObserver} reads a cluster, its addons, associations
 * and the roles the planner asks for into a {@link dev.podidentity.autopilot.plan.ClusterState}. Reads only.
 */
package dev.podidentity.autopilot.observe;

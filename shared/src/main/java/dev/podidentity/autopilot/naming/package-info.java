/**
 * Names, tags and identifiers built in exactly one place each. No AWS SDK types.
 *
 * <ul>
 *   <li>{@link dev.podidentity.autopilot.naming.RoleNames}: role names that never collide (see its scheme), and
 *       checks of user-given role names and paths.</li>
 *   <li>{@link dev.podidentity.autopilot.naming.ExecutionNames}: deterministic Step Functions execution names.</li>
 *   <li>{@link dev.podidentity.autopilot.naming.OwnershipTags} / {@link dev.podidentity.autopilot.naming.Owner}: the
 *       tags that mark what we own, and who owns a tagged resource.</li>
 *   <li>{@link dev.podidentity.autopilot.naming.Arns} / {@link dev.podidentity.autopilot.naming.Partition}: typed ARNs
 *       or a problem sentence; partitions {@code aws}, {@code aws-cn}, {@code aws-us-gov}.</li>
 * </ul>
 */
package dev.podidentity.autopilot.naming;

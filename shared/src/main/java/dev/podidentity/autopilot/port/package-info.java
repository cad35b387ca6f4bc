/**
 * What the executors and the observer need from AWS, in domain terms: {@link dev.podidentity.autopilot.port.IamRoles},
 * {@link dev.podidentity.autopilot.port.EksApi}, {@link dev.podidentity.autopilot.port.KubernetesPort}. No AWS SDK
 * types (a test checks it); the {@code aws} package implements them. Outcomes callers act on (absent, already exists,
 * already gone, role not visible yet) are return values or port exceptions; everything else arrives as the
 * {@code error} package's typed errors.
 */
package dev.podidentity.autopilot.port;

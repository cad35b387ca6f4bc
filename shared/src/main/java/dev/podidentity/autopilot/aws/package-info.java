/**
 * The AWS SDK v2 side: {@link dev.podidentity.autopilot.aws.AwsClients} (built once per container, URL-connection
 * HTTP client with timeouts, standard retries, endpoint from the SDK's own {@code AWS_ENDPOINT_URL}),
 * the port adapters {@link dev.podidentity.autopilot.aws.AwsIamRoles} and {@link dev.podidentity.autopilot.aws.AwsEksApi},
 * the one error table {@link dev.podidentity.autopilot.aws.AwsErrors}, and {@link dev.podidentity.autopilot.aws.AwsAdapters}
 * which wires executors and the observer for a handler.
 */
package dev.podidentity.autopilot.aws;

package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.port.EksApi;
import java.util.function.Supplier;

/**
 * Sends an EKS request again while EKS does not see a role yet ("Role provided in the request does not exist"
 * just after CreateRole: IAM is eventually consistent), with doubling waits, within the settings' bound; beyond
 * it the state machine retries the step.
 */
final class PropagationRetry {
    private PropagationRetry() {
    }

    static <T> T call(ExecutorSettings settings, String what, Supplier<T> request) {
        return call(settings, what, request, () -> { });
    }

    /** As above; {@code firstRefusal} runs once when EKS first refuses the role, and may throw to stop waiting. */
    static <T> T call(ExecutorSettings settings, String what, Supplier<T> request, Runnable firstRefusal) {
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (EksApi.RoleNotVisibleException e) {
                if (attempt == 1) {
                    firstRefusal.run();
                }
                if (attempt >= settings.rolePropagationAttempts()) {
                    throw new RetryableException(what + ": EKS does not see the role yet after " + attempt
                            + " attempts (IAM propagation); retry later", e);
                }
                settings.sleeper().sleep(settings.propagationDelay(attempt));
            }
        }
    }
}

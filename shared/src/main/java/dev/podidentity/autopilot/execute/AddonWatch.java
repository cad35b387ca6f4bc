package dev.podidentity.autopilot.execute;

import dev.podidentity.autopilot.error.ConflictException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.port.EksApi;
import java.time.Duration;
import java.util.Objects;

/** Reads an addon's status, and waits (bounded) for it to settle. */
final class AddonWatch {
    private final EksApi eks;
    private final ExecutorSettings settings;

    AddonWatch(EksApi eks, ExecutorSettings settings) {
        this.eks = Objects.requireNonNull(eks, "eks");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    AddonStatus check(String cluster, String addon) {
        EksApi.Addon a = eks.describeAddon(cluster, addon).orElseThrow(() -> new NotFoundException(
                "addon \"" + addon + "\" is not installed on cluster \"" + cluster + "\""));
        return new AddonStatus(a.name(), a.arn(), a.status(), a.issues().stream().map(EksApi.HealthIssue::toString).toList());
    }

    /**
     * Polls until the addon leaves CREATING/UPDATING or the wait runs out. With no wait configured, returns the
     * first status seen. ACTIVE returns; *_FAILED is a ConflictException and DEGRADED a RetryableException, both
     * with the health issues; still in progress after the wait is a RetryableException.
     */
    AddonStatus awaitSettled(String cluster, String addon) {
        AddonStatus status = check(cluster, addon);
        Duration waited = Duration.ZERO;
        while (status.inProgress() && waited.compareTo(settings.addonWait()) < 0) {
            settings.sleeper().sleep(settings.addonPoll());
            waited = waited.plus(settings.addonPoll());
            status = check(cluster, addon);
        }
        if (status.inProgress() && !settings.addonWait().isZero()) {
            throw new RetryableException(status.describe() + " after waiting " + settings.addonWait().toSeconds()
                    + " s; check again later");
        }
        return requireHealthy(status);
    }

    static AddonStatus requireHealthy(AddonStatus status) {
        if (status.failed()) {
            throw new ConflictException(status.describe());
        }
        if (status.degraded()) {
            throw new RetryableException(status.describe());
        }
        return status;
    }
}

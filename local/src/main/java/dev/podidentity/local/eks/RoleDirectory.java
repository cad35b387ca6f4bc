package dev.podidentity.local.eks;

import java.time.Instant;
import java.util.Optional;

/** Where IAM role existence comes from (moto's IAM). */
@FunctionalInterface
public interface RoleDirectory {
    /** True when a role with exactly this ARN exists (the name and the path must match). */
    boolean roleExists(String roleArn);

    /** When IAM says the role was created (its CreateDate); empty when unknown or the role does not exist. */
    default Optional<Instant> roleCreated(String roleArn) {
        return Optional.empty();
    }
}

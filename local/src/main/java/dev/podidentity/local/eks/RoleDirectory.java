package dev.podidentity.local.eks;

/** Where IAM role existence comes from (moto's IAM). */
@FunctionalInterface
public interface RoleDirectory {
    /** True when a role with exactly this ARN exists (the name and the path must match). */
    boolean roleExists(String roleArn);
}

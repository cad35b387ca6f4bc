package dev.podidentity.autopilot.naming;

/** Who created an IAM role or pod identity association, as read from its tags. */
public enum Owner {
    /** This application; only such resources are ever changed or deleted by it. */
    AUTOPILOT,
    /** eksctl (its CloudFormation stacks tag their roles {@code alpha.eksctl.io/...}); reported, never modified. */
    EKSCTL,
    /** Anyone else: Terraform, the console, another tool. */
    UNKNOWN
}

package dev.podidentity.autopilot.naming;

import java.util.Locale;
import java.util.Optional;

/**
 * The AWS partitions this application supports. The partition is the second field of every ARN, so
 * policies and ARNs built for a cluster in China or GovCloud must use its partition, not {@code aws}.
 */
public enum Partition {
    AWS("aws"),
    AWS_CN("aws-cn"),
    AWS_US_GOV("aws-us-gov");

    private final String id;

    Partition(String id) {
        this.id = id;
    }

    /** The partition as written in ARNs, e.g. {@code aws-cn}. */
    public String id() {
        return id;
    }

    /** The partition by its ARN id, if it is one we support. */
    public static Optional<Partition> fromId(String id) {
        for (Partition partition : values()) {
            if (partition.id.equals(id)) {
                return Optional.of(partition);
            }
        }
        return Optional.empty();
    }

    /**
     * The partition a region belongs to: {@code cn-*} is China, {@code us-gov-*} is GovCloud, anything else
     * the commercial partition. Region names are lower case in every AWS API; we accept any case.
     */
    public static Partition fromRegion(String region) {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("region must be set to derive the partition");
        }
        String lower = region.toLowerCase(Locale.ROOT);
        if (lower.startsWith("cn-")) {
            return AWS_CN;
        }
        if (lower.startsWith("us-gov-")) {
            return AWS_US_GOV;
        }
        return AWS;
    }

    @Override
    public String toString() {
        return id;
    }
}

package dev.podidentity.bench;

/**
 * List prices the cost estimate uses: US East (N. Virginia), on-demand, no free tier, as published on
 * aws.amazon.com/step-functions/pricing, aws.amazon.com/lambda/pricing and aws.amazon.com/s3/pricing.
 */
final class Pricing {
    /** Step Functions Standard: $0.025 per 1,000 state transitions (retries count). */
    static final double PER_TRANSITION = 0.025 / 1_000;
    /** Lambda on Arm (the template's architecture): $0.0000133334 per GB-second, first 7.5 billion GB-s a month. */
    static final double PER_GB_SECOND_ARM = 0.0000133334;
    /** Lambda: $0.20 per million requests. */
    static final double PER_REQUEST = 0.20 / 1_000_000;
    /** S3 Standard: PUT, COPY, POST, LIST $0.005 per 1,000; GET and others $0.0004 per 1,000. */
    static final double PER_S3_WRITE = 0.005 / 1_000;
    static final double PER_S3_READ = 0.0004 / 1_000;

    private Pricing() {
    }
}

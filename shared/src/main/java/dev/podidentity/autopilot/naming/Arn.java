package dev.podidentity.autopilot.naming;

/**
 * A parsed ARN: {@code arn:<partition>:<service>:<region>:<accountId>:<resource>}. Region and account may be
 * empty (IAM ARNs have no region; S3 bucket ARNs have neither).
 */
public record Arn(Partition partition, String service, String region, String accountId, String resource) {

    /** The resource type: the part of the resource before the first {@code /} or {@code :}, e.g. {@code role}. */
    public String resourceType() {
        for (int i = 0; i < resource.length(); i++) {
            char c = resource.charAt(i);
            if (c == '/' || c == ':') {
                return resource.substring(0, i);
            }
        }
        return resource;
    }

    @Override
    public String toString() {
        return "arn:" + partition.id() + ":" + service + ":" + region + ":" + accountId + ":" + resource;
    }
}

package dev.podidentity.autopilot.plan;

import dev.podidentity.autopilot.naming.Arns;

/** Role name and path out of a role ARN (via {@link Arns}, paths included), and the ARN of a role to create. */
final class RoleArn {
    private RoleArn() {
    }

    static String nameOf(String arn) {
        return Arns.role(arn).orElseThrow().name();
    }

    static String pathOf(String arn) {
        return Arns.role(arn).orElseThrow().path();
    }

    static String of(String partition, String account, String path, String name) {
        String p = path == null || path.isEmpty() ? "/" : path;
        return "arn:" + partition + ":iam::" + account + ":role" + p + name;
    }
}

package dev.podidentity.autopilot.plan;

/**
 * Role name and path out of a role ARN ({@code arn:aws:iam::111122223333:role/some/path/Name}), and the reverse.
 * eksctl accepted only path-less role ARNs in its migration; paths are legal and common, so both are handled.
 * (To be replaced by {@code naming.Arns} once the policy branch has it.)
 */
final class RoleArn {
    private RoleArn() {
    }

    static String nameOf(String arn) {
        String resource = resource(arn);
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    static String pathOf(String arn) {
        String resource = resource(arn);
        int last = resource.lastIndexOf('/');
        return last <= "role".length() ? "/" : resource.substring("role".length(), last + 1);
    }

    static String of(String partition, String account, String path, String name) {
        String p = path == null || path.isEmpty() ? "/" : path;
        return "arn:" + partition + ":iam::" + account + ":role" + p + name;
    }

    private static String resource(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("iam") || !parts[5].startsWith("role/")) {
            throw new IllegalArgumentException("\"" + arn + "\" is not an IAM role ARN");
        }
        return parts[5];
    }
}

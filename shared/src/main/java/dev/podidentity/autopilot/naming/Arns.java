package dev.podidentity.autopilot.naming;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the ARNs a config may contain ({@code roleARN}, {@code targetRoleARN}, {@code permissionPolicyARNs},
 * {@code permissionsBoundaryARN}) and OIDC provider ARNs, into typed values or a clear problem.
 */
public final class Arns {

    /** {@code arn:<p>:iam::<account>:role/<path/>name}; path is {@code /} when absent. */
    public record RoleArn(Arn arn, String path, String name) {
        public String accountId() {
            return arn.accountId();
        }
    }

    /** A managed policy; {@code awsManaged} for {@code arn:<p>:iam::aws:policy/...}. */
    public record PolicyArn(Arn arn, String path, String name, boolean awsManaged) {
    }

    /** {@code arn:<p>:iam::<account>:oidc-provider/<issuer host and path>}. */
    public record OidcProviderArn(Arn arn, String issuer) {
    }

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9-]+");
    private static final Pattern POLICY_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");
    private static final String EXAMPLE = "e.g. arn:aws:iam::111122223333:role/my-role";

    private Arns() {
    }

    /** Any ARN in a supported partition. */
    public static ArnResult<Arn> parse(String text) {
        if (text == null || text.isBlank()) {
            return invalid("ARN is empty");
        }
        if (!text.startsWith("arn:")) {
            return invalid("\"" + text + "\" is not an ARN; ARNs start with arn:, " + EXAMPLE);
        }
        String[] parts = text.split(":", 6);
        if (parts.length < 6) {
            return invalid("\"" + text + "\" has too few parts; an ARN is arn:partition:service:region:account:resource");
        }
        Partition partition = Partition.fromId(parts[1]).orElse(null);
        if (partition == null) {
            return invalid("\"" + text + "\" has partition \"" + parts[1] + "\"; expected aws, aws-cn or aws-us-gov");
        }
        if (!SERVICE.matcher(parts[2]).matches()) {
            return invalid("\"" + text + "\" has no valid service name");
        }
        String account = parts[4];
        if (!account.isEmpty() && !account.equals("aws") && !ACCOUNT.matcher(account).matches()) {
            return invalid("\"" + text + "\" has account \"" + account + "\"; an account ID is 12 digits");
        }
        if (parts[5].isEmpty()) {
            return invalid("\"" + text + "\" has no resource");
        }
        return new ArnResult.Valid<>(new Arn(partition, parts[2], parts[3], account, parts[5]));
    }

    /** An IAM role ARN, with optional path; the name must be a valid role name. */
    public static ArnResult<RoleArn> role(String text) {
        return iam(text, "role", true).flatMap(arn -> {
            PathAndName pathAndName = split(arn.resource(), "role/");
            if (pathAndName == null) {
                return invalid("\"" + text + "\" names no role; expected role/<name> or role/<path>/<name>");
            }
            List<String> nameProblems = RoleNames.validate(pathAndName.name);
            if (!nameProblems.isEmpty()) {
                return invalid("\"" + text + "\": " + nameProblems.get(0));
            }
            List<String> pathProblems = RoleNames.validatePath(pathAndName.path);
            if (!pathProblems.isEmpty()) {
                return invalid("\"" + text + "\": " + pathProblems.get(0));
            }
            return new ArnResult.Valid<>(new RoleArn(arn, pathAndName.path, pathAndName.name));
        });
    }

    /** A managed policy ARN: customer managed (12-digit account) or AWS managed (account {@code aws}). */
    public static ArnResult<PolicyArn> policy(String text) {
        return iam(text, "policy", false).flatMap(arn -> {
            PathAndName pathAndName = split(arn.resource(), "policy/");
            if (pathAndName == null) {
                return invalid("\"" + text + "\" names no policy; expected policy/<name> or policy/<path>/<name>");
            }
            if (!POLICY_NAME.matcher(pathAndName.name).matches()) {
                return invalid("\"" + text + "\" has policy name \"" + pathAndName.name
                        + "\"; policy names are 1-128 letters, digits and +=,.@_-");
            }
            List<String> pathProblems = RoleNames.validatePath(pathAndName.path);
            if (!pathProblems.isEmpty()) {
                return invalid("\"" + text + "\": " + pathProblems.get(0).replace("role path", "policy path"));
            }
            return new ArnResult.Valid<>(new PolicyArn(arn, pathAndName.path, pathAndName.name,
                    arn.accountId().equals("aws")));
        });
    }

    /** An IAM OIDC identity provider ARN (IRSA). */
    public static ArnResult<OidcProviderArn> oidcProvider(String text) {
        return iam(text, "oidc-provider", true).flatMap(arn -> {
            String prefix = "oidc-provider/";
            if (!arn.resource().startsWith(prefix) || arn.resource().length() == prefix.length()) {
                return invalid("\"" + text + "\" names no OIDC provider; expected oidc-provider/<issuer host and path>");
            }
            return new ArnResult.Valid<>(new OidcProviderArn(arn, arn.resource().substring(prefix.length())));
        });
    }

    private static ArnResult<Arn> iam(String text, String type, boolean accountRequired) {
        ArnResult<Arn> parsed = parse(text);
        if (!(parsed instanceof ArnResult.Valid<Arn>(Arn arn))) {
            return parsed;
        }
        if (!arn.service().equals("iam")) {
            return invalid("\"" + text + "\" is a " + arn.service() + " ARN; expected an IAM " + type + " ARN, " + example(type));
        }
        if (!arn.region().isEmpty()) {
            return invalid("\"" + text + "\" has region \"" + arn.region() + "\"; IAM ARNs have an empty region (::)");
        }
        boolean accountOk = ACCOUNT.matcher(arn.accountId()).matches() || (!accountRequired && arn.accountId().equals("aws"));
        if (!accountOk) {
            return invalid("\"" + text + "\" has account \"" + arn.accountId() + "\"; expected a 12-digit account ID");
        }
        if (!arn.resourceType().equals(type)) {
            return invalid("\"" + text + "\" is an IAM " + arn.resourceType() + " ARN; expected " + example(type));
        }
        return parsed;
    }

    private static String example(String type) {
        return switch (type) {
            case "role" -> EXAMPLE;
            case "policy" -> "e.g. arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
            default -> "e.g. arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE";
        };
    }

    private record PathAndName(String path, String name) {
    }

    private static PathAndName split(String resource, String prefix) {
        if (!resource.startsWith(prefix)) {
            return null;
        }
        String rest = resource.substring(prefix.length());
        int lastSlash = rest.lastIndexOf('/');
        String name = rest.substring(lastSlash + 1);
        if (name.isEmpty()) {
            return null;
        }
        String path = lastSlash < 0 ? "/" : "/" + rest.substring(0, lastSlash + 1);
        return new PathAndName(path, name);
    }

    private static <T> ArnResult<T> invalid(String problem) {
        return new ArnResult.Invalid<>(problem);
    }
}

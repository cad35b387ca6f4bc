package dev.podidentity.autopilot.naming;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Names of the IAM roles we create, and checks for role names and paths users give.
 *
 * <p>Scheme. Association roles are named {@code <cluster>+<namespace>+<serviceAccount>}, addon roles
 * {@code <cluster>+addon=<addon>+<serviceAccount>}. The separators {@code +} and {@code =} are valid in IAM role
 * names but can occur in none of the parts: Kubernetes namespaces and service accounts are DNS-1123 names
 * ({@code [a-z0-9.-]}), EKS cluster names are {@code [A-Za-z0-9_-]}, addon names {@code [a-z0-9._-]}. So a name
 * splits back into its parts in exactly one way, and eksctl's ambiguity ({@code ns=a-b,sa=c} versus
 * {@code ns=a,sa=b-c} both ending in {@code -a-b-c}) cannot happen.
 *
 * <p>When that readable name would exceed 64 characters, or a part holds characters outside the sets above
 * (including capitals: IAM role names are unique regardless of case, so {@code Prod} and {@code prod} must not map
 * to names that differ only in case), the name becomes {@code <shortened readable part>,<12 hex digits>}: the parts
 * are lower-cased, cut fairly, and followed by a SHA-256 prefix of the exact, length-prefixed tuple. A comma occurs
 * only in shortened names, so they never equal a full name; two shortened names collide only if 48 bits of
 * SHA-256 do.
 */
public final class RoleNames {

    public static final int MAX_LENGTH = 64;
    public static final int MAX_PATH_LENGTH = 512;

    private static final Pattern ROLE_NAME_CHARS = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern SAFE_PART = Pattern.compile("[a-z0-9._-]+");
    private static final int HASH_CHARS = 12;

    private RoleNames() {
    }

    /** The role for a standalone pod identity association. */
    public static String forAssociation(String cluster, String namespace, String serviceAccount) {
        require(cluster, "cluster");
        require(namespace, "namespace");
        require(serviceAccount, "serviceAccount");
        return build(new String[] {cluster, namespace, serviceAccount}, new String[] {"", "+", "+"},
                "association", cluster, namespace, serviceAccount);
    }

    /** The role for an addon's pod identity (the addon API has no namespace; the addon name takes its place). */
    public static String forAddon(String cluster, String addon, String serviceAccount) {
        require(cluster, "cluster");
        require(addon, "addon");
        require(serviceAccount, "serviceAccount");
        return build(new String[] {cluster, addon, serviceAccount}, new String[] {"", "+addon=", "+"},
                "addon", cluster, addon, serviceAccount);
    }

    private static String build(String[] parts, String[] separators, String kind, String... tuple) {
        int separatorLength = 0;
        for (String separator : separators) {
            separatorLength += separator.length();
        }
        boolean safe = true;
        int length = separatorLength;
        for (String part : parts) {
            safe &= SAFE_PART.matcher(part).matches();
            length += part.length();
        }
        if (safe && length <= MAX_LENGTH) {
            return join(parts, separators);
        }
        String[] readable = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            readable[i] = sanitise(parts[i]);
        }
        String[] fitted = Hashes.fit(readable, MAX_LENGTH - separatorLength - 1 - HASH_CHARS);
        String[] hashInput = new String[tuple.length + 1];
        hashInput[0] = kind;
        System.arraycopy(tuple, 0, hashInput, 1, tuple.length);
        return join(fitted, separators) + "," + Hashes.of(HASH_CHARS, hashInput);
    }

    private static String join(String[] parts, String[] separators) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            name.append(separators[i]).append(parts[i]);
        }
        return name.toString();
    }

    private static String sanitise(String part) {
        String lower = part.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            out.append(ok ? c : '-');
        }
        return out.toString();
    }

    private static void require(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    /** A name this scheme makes: three parts (the second maybe {@code addon=}), maybe shortened with a hash. */
    private static final Pattern GENERATED = Pattern.compile(
            "([a-z0-9._-]+)\\+(?:addon=)?[a-z0-9._-]+\\+[a-z0-9._-]+(,[0-9a-f]{" + HASH_CHARS + "})?");

    /**
     * Whether {@code roleName} is a name this scheme makes for a cluster other than {@code cluster}: a full name whose
     * cluster part is not the cluster, or a shortened one whose cluster part is not a start of the cluster's
     * lower-cased form (shortening only cuts parts). Such a role is not the cluster's, whatever its tags say, and
     * need not be read to know it. Any other name (a user's {@code roleName}) tells nothing: false.
     */
    public static boolean namesAnotherCluster(String roleName, String cluster) {
        java.util.regex.Matcher m = roleName == null ? null : GENERATED.matcher(roleName);
        if (m == null || !m.matches() || cluster == null || cluster.isEmpty()) {
            return false;
        }
        String part = m.group(1);
        return m.group(2) == null ? !part.equals(cluster) : !sanitise(cluster).startsWith(part);
    }

    /** Problems with a role name a user gives ({@code roleName}); empty when IAM accepts it. */
    public static List<String> validate(String name) {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            problems.add("role name must not be empty");
            return problems;
        }
        if (name.length() > MAX_LENGTH) {
            problems.add("role name is " + name.length() + " characters long; IAM allows at most " + MAX_LENGTH);
        }
        TreeSet<String> bad = new TreeSet<>();
        for (int i = 0; i < name.length(); i++) {
            String c = String.valueOf(name.charAt(i));
            if (!ROLE_NAME_CHARS.matcher(c).matches()) {
                bad.add(c.equals(" ") ? "space" : "'" + c + "'");
            }
        }
        if (!bad.isEmpty()) {
            problems.add("role name contains characters IAM does not allow (" + String.join(", ", bad)
                    + "); use letters, digits and +=,.@_-");
        }
        return problems;
    }

    /** Problems with a role path (the guardrail's configured path); empty when IAM accepts it. */
    public static List<String> validatePath(String path) {
        List<String> problems = new ArrayList<>();
        if (path == null || path.isEmpty()) {
            problems.add("role path must not be empty; use \"/\" for none");
            return problems;
        }
        if (!path.startsWith("/") || !path.endsWith("/")) {
            problems.add("role path must begin and end with \"/\", e.g. /pod-identity/");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            problems.add("role path is " + path.length() + " characters long; IAM allows at most " + MAX_PATH_LENGTH);
        }
        if (path.contains("//")) {
            problems.add("role path must not contain empty segments (\"//\")");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                problems.add("role path may only contain printable ASCII characters without spaces");
                break;
            }
        }
        return problems;
    }
}

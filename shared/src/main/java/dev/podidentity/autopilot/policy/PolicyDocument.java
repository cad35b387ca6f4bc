package dev.podidentity.autopilot.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An IAM policy document as an immutable value: permission policies, trust policies and session policies alike.
 * Build one with {@link #of}, read one with {@link #parse}, {@link #fromTree} or {@link #fromUrlEncodedJson}, and
 * write it with {@link #toJson()} (the canonical form described on {@link PolicyJson}).
 *
 * @param version {@code 2012-10-17}, the legacy {@code 2008-10-17}, or {@code null} when the source had no Version.
 *                An absent Version is kept absent rather than filled in: IAM then applies 2008-10-17, under which
 *                policy variables such as {@code ${aws:PrincipalTag/team}} are literal text, so writing 2012-10-17
 *                would silently change what the policy means. The validator can warn with {@link #hasVersion()}.
 * @param id      optional policy id, {@code null} when absent
 */
public record PolicyDocument(String version, String id, List<Statement> statements) {

    /** The current policy language version; the only one we write. */
    public static final String VERSION_2012_10_17 = "2012-10-17";
    /** The legacy version IAM still returns for old policies. */
    public static final String VERSION_2008_10_17 = "2008-10-17";

    public PolicyDocument {
        if (version != null && !VERSION_2012_10_17.equals(version) && !VERSION_2008_10_17.equals(version)) {
            throw new IllegalArgumentException("unsupported policy Version " + version);
        }
        statements = List.copyOf(statements);
    }

    public static PolicyDocument of(Statement... statements) {
        return of(List.of(statements));
    }

    public static PolicyDocument of(List<Statement> statements) {
        return new PolicyDocument(VERSION_2012_10_17, null, statements);
    }

    /** Whether the document states its Version (IAM assumes 2008-10-17 when it does not). */
    public boolean hasVersion() {
        return version != null;
    }

    /** The same document with another statement list; version and id are kept. */
    public PolicyDocument withStatements(List<Statement> newStatements) {
        return new PolicyDocument(version, id, newStatements);
    }

    public PolicyDocument withStatementAdded(Statement statement) {
        List<Statement> all = new ArrayList<>(statements);
        all.add(statement);
        return withStatements(all);
    }

    /** Canonical minified JSON: the form we send to IAM and measure against IAM's size limits. */
    public String toJson() {
        return PolicyJson.write(this, false);
    }

    /** Canonical JSON, indented for humans (plan and report text). */
    public String toPrettyJson() {
        return PolicyJson.write(this, true);
    }

    /** Reads a JSON policy document. */
    public static PolicyDocument parse(String json) {
        return PolicyJson.parse(json);
    }

    /**
     * Reads a document from a generic tree ({@link Map}, {@link List}, strings, numbers, booleans), which is what
     * a YAML loader yields for an inline {@code permissionPolicy}.
     */
    public static PolicyDocument fromTree(Object tree) {
        return PolicyJson.fromTree(tree);
    }

    /** Reads the URL-encoded JSON that IAM's GetRole / GetRolePolicy return. */
    public static PolicyDocument fromUrlEncodedJson(String encoded) {
        return PolicyJson.fromUrlEncoded(encoded);
    }
}

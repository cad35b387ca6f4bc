package dev.podidentity.autopilot.config;

import dev.podidentity.autopilot.config.tree.Position;

import java.util.Comparator;

/**
 * One thing wrong with a config file: the field it concerns, where that field is, and what to do about it.
 * {@code path} uses eksctl's notation ({@code iam.podIdentityAssociations[0].roleARN}) so messages read the same
 * as eksctl's for people who know it.
 */
public record Problem(Severity severity, String path, Position position, String message) {

    public enum Severity { ERROR, WARNING }

    public static final Comparator<Problem> BY_POSITION = Comparator
            .comparingInt((Problem p) -> p.position().line())
            .thenComparingInt(p -> p.position().column())
            .thenComparing(Problem::path)
            .thenComparing(Problem::message);

    public static Problem error(String path, Position position, String message) {
        return new Problem(Severity.ERROR, path, position, message);
    }

    public static Problem warning(String path, Position position, String message) {
        return new Problem(Severity.WARNING, path, position, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code FILE:LINE:COLUMN: PATH: MESSAGE}, the form compilers use, so editors can jump to it. */
    public String format(String file) {
        String where = file + ":" + position.line() + ":" + position.column() + ": ";
        String prefix = severity == Severity.WARNING ? "warning: " : "";
        String field = path.isEmpty() ? "" : path + ": ";
        return where + prefix + field + message;
    }
}

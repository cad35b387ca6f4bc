package dev.podidentity.autopilot.naming;

import java.util.Optional;

/** The outcome of parsing an ARN: the typed value, or a problem sentence for the validator to report. */
public sealed interface ArnResult<T> permits ArnResult.Valid, ArnResult.Invalid {

    record Valid<T>(T value) implements ArnResult<T> {
    }

    record Invalid<T>(String problem) implements ArnResult<T> {
    }

    default boolean isValid() {
        return this instanceof Valid<T>;
    }

    default Optional<T> toOptional() {
        return this instanceof Valid<T>(T v) ? Optional.of(v) : Optional.empty();
    }

    default Optional<String> problemIfInvalid() {
        return this instanceof Invalid<T>(String p) ? Optional.of(p) : Optional.empty();
    }

    /** Continues with a further check of a valid value; a problem passes through unchanged. */
    default <R> ArnResult<R> flatMap(java.util.function.Function<T, ArnResult<R>> next) {
        return switch (this) {
            case Valid<T>(T v) -> next.apply(v);
            case Invalid<T>(String p) -> new Invalid<>(p);
        };
    }

    /** The value, or an {@link IllegalArgumentException} carrying the problem. */
    default T orElseThrow() {
        return switch (this) {
            case Valid<T>(T v) -> v;
            case Invalid<T>(String p) -> throw new IllegalArgumentException(p);
        };
    }
}

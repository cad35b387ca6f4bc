package dev.podidentity.local.cli;

/** A misuse of ./run-local: printed as one line, exit code 2, before anything starts. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}

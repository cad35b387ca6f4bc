package dev.podidentity.autopilot.config.tree;


/** The file cannot be read as a document at all: bad YAML/JSON, too large, an alias bomb, empty. */
public final class SyntaxProblem extends RuntimeException {
    private final Position position;

    public SyntaxProblem(Position position, String message) {
        super(message);
        this.position = position;
    }

    public Position position() {
        return position;
    }
}

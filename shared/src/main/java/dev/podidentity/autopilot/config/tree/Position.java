package dev.podidentity.autopilot.config.tree;

/** A place in a config file, 1-based as editors show it. */
public record Position(int line, int column) {
    public static final Position START = new Position(1, 1);

    @Override
    public String toString() {
        return line + ":" + column;
    }
}

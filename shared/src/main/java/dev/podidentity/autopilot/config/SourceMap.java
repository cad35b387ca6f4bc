package dev.podidentity.autopilot.config;

import dev.podidentity.autopilot.config.tree.Position;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field path of a loaded config stands in its file. Validation rules name field paths; this turns a
 * path into a line and column. A path that is absent from the file (a missing required field) resolves to its
 * nearest present parent, which is where the user has to add it.
 */
public final class SourceMap {
    private final Map<String, Position> positions;

    SourceMap(Map<String, Position> positions) {
        this.positions = Collections.unmodifiableMap(new HashMap<>(positions));
    }

    public static SourceMap empty() {
        return new SourceMap(Map.of());
    }

    public Position positionOf(String path) {
        String p = path;
        while (true) {
            Position found = positions.get(p);
            if (found != null) {
                return found;
            }
            if (p.isEmpty()) {
                return Position.START;
            }
            p = parent(p);
        }
    }

    public boolean contains(String path) {
        return positions.containsKey(path);
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }
}

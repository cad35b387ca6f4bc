package dev.podidentity.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shipped world files ({@code local/worlds/<name>.yaml}) from the repository root or any module directory. */
public final class LocalWorlds {
    private LocalWorlds() {
    }

    public static Path defaultWorld() {
        return find("default");
    }

    public static Path find(String name) {
        Path dir = Path.of("").toAbsolutePath();
        for (Path at = dir; at != null; at = at.getParent()) {
            for (Path candidate : new Path[] {at.resolve("local/worlds/" + name + ".yaml"), at.resolve("worlds/" + name + ".yaml")}) {
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("no world '" + name + "' under local/worlds above " + dir);
    }
}

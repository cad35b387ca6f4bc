package dev.podidentity.local.world;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads a world YAML file; unknown fields are errors so a typo does not silently seed less. */
public final class WorldFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final Object tree;
    private final Path baseDir;

    private WorldFile(Object tree, Path baseDir) {
        this.tree = tree;
        this.baseDir = baseDir;
    }

    public static WorldFile read(Path file) {
        try {
            return parse(Files.readString(file), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read world file " + file, e);
        }
    }

    public static WorldFile parse(String yaml, Path baseDir) {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        if (!(tree instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a world file is a YAML mapping");
        }
        return new WorldFile(tree, baseDir);
    }

    /** The world with placeholders still in place. */
    public World world() {
        return convert(tree);
    }

    /** The world with every string (keys included) passed through {@code substitute}. */
    World world(UnaryOperator<String> substitute) {
        return convert(rewrite(tree, substitute));
    }

    public Path baseDir() {
        return baseDir;
    }

    private static World convert(Object tree) {
        try {
            return MAPPER.convertValue(tree, World.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid world file: " + e.getMessage(), e);
        }
    }

    private static Object rewrite(Object node, UnaryOperator<String> substitute) {
        if (node instanceof String s) {
            return substitute.apply(s);
        }
        if (node instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k instanceof String s ? substitute.apply(s) : k, rewrite(v, substitute)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(rewrite(v, substitute)));
            return out;
        }
        return node;
    }
}

package dev.podidentity.autopilot.config;

import java.util.List;

/**
 * What loading a config file gave: the config (null when the file could not be read as a ClusterConfig at all)
 * and every problem found while reading it.
 */
public record LoadResult(ClusterConfig config, List<Problem> problems) {
    public LoadResult {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}

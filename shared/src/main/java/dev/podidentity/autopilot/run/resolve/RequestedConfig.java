package dev.podidentity.autopilot.run.resolve;

import dev.podidentity.autopilot.Action;
import dev.podidentity.autopilot.config.ClusterConfig;
import dev.podidentity.autopilot.config.ConfigLoader;
import dev.podidentity.autopilot.config.LoadResult;
import dev.podidentity.autopilot.config.Problem;
import dev.podidentity.autopilot.error.InvalidInputException;
import dev.podidentity.autopilot.guard.ConfigJudgement;
import dev.podidentity.autopilot.guard.IamFacts;
import dev.podidentity.autopilot.naming.BucketLayout;
import dev.podidentity.autopilot.port.ConfigStore;
import dev.podidentity.autopilot.run.RunSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The config a request stands for: read from the bucket (the upload's version, the cluster's own, the default) or
 * built from a console request, no larger than the MaxConfigBytes guardrail, validated and checked against the
 * guardrails, every problem in one error; and whether a newer upload has replaced it.
 */
final class RequestedConfig {
    private final ConfigStore store;
    private final RunSettings settings;
    private final IamFacts facts;

    RequestedConfig(ConfigStore store, RunSettings settings, IamFacts facts) {
        this.facts = facts;
        this.store = store;
        this.settings = settings;
    }

    /**
     * The version of the config object now current, when this run was started by the upload of another version. Runs
     * for uploads may start, or win the cluster's lock, in any order: checked after the config is read and again on
     * every re-plan after waiting for the lock, this keeps an older upload's run from undoing a newer one's. Console
     * runs name a version on purpose (a rollback) and are never superseded.
     */
    Optional<String> newerUpload(RunRequest request) {
        if (!request.startedByUpload() || request.configKey() == null
                || request.configVersion() == null || store == null) {
            return Optional.empty();
        }
        return store.currentVersion(request.configKey()).filter(current -> !current.equals(request.configVersion()));
    }

    record Loaded(ClusterConfig config, String source) {
    }

    /** The config the request stands for, validated and checked against the guardrails; nothing is read twice. */
    Loaded load(RunRequest request) {
        String cluster = request.cluster();
        byte[] bytes;
        String source;
        boolean isDefault = false;
        if (request.configKey() != null) {
            source = request.configKey();
            bytes = read(source, request.configVersion()).orElseThrow(() -> new InvalidInputException(
                    "config " + describe(source, request.configVersion()) + " does not exist in bucket "
                            + settings.configBucket()));
            // The default config serves every new cluster: its metadata.name is a placeholder.
            isDefault = source.equals(settings.defaultConfigKey());
        } else if (request.action() == Action.APPLY) {
            throw new InvalidInputException("apply needs configKey: the config object to apply (clusters/"
                    + cluster + ".yaml)");
        } else if (request.action() == Action.ONBOARD) {
            Optional<Map.Entry<String, byte[]>> own = clusterConfig(cluster);
            if (own.isPresent()) {
                source = own.get().getKey();
                bytes = own.get().getValue();
            } else {
                Optional<byte[]> fallback = read(settings.defaultConfigKey(), null);
                source = fallback.isPresent() ? settings.defaultConfigKey() : "(no config: agent only)";
                bytes = fallback.orElseGet(() -> RequestConfigs.empty(cluster));
                isDefault = fallback.isPresent();
            }
        } else {
            source = RequestConfigs.CONSOLE_SOURCE;
            bytes = RequestConfigs.fromConsole(request.action(), cluster, request.raw());
        }
        LoadResult loaded = new ConfigLoader(settings.guardrails().readLimits()).load(bytes, source);
        if (loaded.config() == null) {
            throw invalid(source, loaded.problems());
        }
        ClusterConfig config = isDefault ? loaded.config().withClusterName(cluster) : loaded.config();
        List<Problem> problems = new ArrayList<>(loaded.problems());
        problems.addAll(ConfigJudgement.judge(config, request.action(), settings.guardrails(), facts));
        String declared = config.metadata() == null ? null : config.metadata().name();
        if (declared != null && !declared.equals(cluster)) {
            problems.add(Problem.error("metadata.name", config.source().positionOf("metadata.name"),
                    "the config is for cluster \"" + declared + "\" but the run is for \"" + cluster + "\""
                            + (request.configKey() != null ? "; a file under clusters/ must be named after its "
                            + "metadata.name (clusters/" + declared + ".yaml)" : "")));
        }
        if (problems.stream().anyMatch(Problem::isError)) {
            throw invalid(source, problems);
        }
        return new Loaded(config, source);
    }

    private Optional<Map.Entry<String, byte[]>> clusterConfig(String cluster) {
        for (String ext : BucketLayout.CONFIG_EXTENSIONS) {
            String key = BucketLayout.configKey(cluster, ext);
            Optional<byte[]> bytes = read(key, null);
            if (bytes.isPresent()) {
                return Optional.of(Map.entry(key, bytes.get()));
            }
        }
        return Optional.empty();
    }

    /** A config object, read no further than the MaxConfigBytes guardrail: a larger one is refused unread. */
    private Optional<byte[]> read(String key, String version) {
        int max = settings.guardrails().maxConfigBytes();
        try {
            return store.read(key, version, max);
        } catch (ConfigStore.TooLarge e) {
            throw invalid(key, List.of(Problem.error("", dev.podidentity.autopilot.config.tree.Position.START,
                    String.format("guardrail MaxConfigBytes: the file is %,d bytes; the limit is %,d bytes",
                            e.size(), max))));
        }
    }

    private static String describe(String key, String version) {
        return key + (version == null ? "" : " (version " + version + ")");
    }

    static InvalidInputException invalid(String source, List<Problem> problems) {
        List<String> lines = problems.stream().filter(Problem::isError).sorted(Problem.BY_POSITION)
                .map(p -> p.format(source)).toList();
        return new InvalidInputException(source + " is not valid; nothing was changed", lines);
    }
}

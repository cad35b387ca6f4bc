package dev.podidentity.local.world;

import dev.podidentity.local.eks.AddonCatalog;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What makes a world file unusable for running the application, found before the local cloud starts: unreadable
 * YAML, no config bucket, an addon or addon version the local EKS catalog does not have.
 */
public final class WorldCheck {
    /** The bucket name LocalApp deploys against; worlds write the account as a placeholder. */
    static final String CONFIG_BUCKET = "pod-identity-autopilot-config-";

    private WorldCheck() {
    }

    /** The world's problems, each one line naming the field; empty when it can be used. */
    public static List<String> problems(Path file) {
        World world;
        try {
            world = WorldFile.read(file).world();
        } catch (UncheckedIOException e) {
            return List.of("cannot read it: " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            return List.of(message.lines().findFirst().orElse(message));
        }
        List<String> out = new ArrayList<>();
        String account = world.account();
        boolean hasBucket = world.buckets().stream().map(World.Bucket::name).anyMatch(
                name -> name != null && (name.equals(CONFIG_BUCKET + "${account}") || name.equals(CONFIG_BUCKET + account)));
        if (!hasBucket) {
            out.add("buckets: no config bucket " + CONFIG_BUCKET + "${account}: the application reads configs and "
                    + "writes reports there (see local/worlds/default.yaml)");
        }
        AddonCatalog catalog = AddonCatalog.standard();
        for (int c = 0; c < world.clusters().size(); c++) {
            World.Cluster cluster = world.clusters().get(c);
            for (int a = 0; a < cluster.addons().size(); a++) {
                World.Addon addon = cluster.addons().get(a);
                String where = "clusters[" + c + "].addons[" + a + "]";
                Optional<AddonCatalog.Addon> known = catalog.find(addon.name());
                if (known.isEmpty()) {
                    out.add(where + ".name: addon \"" + addon.name() + "\" is not in the local EKS catalog (known: "
                            + String.join(", ", catalog.all().stream().map(AddonCatalog.Addon::name).toList()) + ")");
                } else if (addon.version() != null && known.get().version(addon.version()).isEmpty()) {
                    out.add(where + ".version: " + addon.name() + " has no version \"" + addon.version()
                            + "\" in the local EKS catalog (e.g. " + known.get().defaultVersion() + ")");
                }
            }
        }
        return out;
    }
}

package dev.podidentity.local.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Kubernetes service accounts per cluster, kept as world data until the Kubernetes side takes them over. */
public final class ServiceAccountStore {
    private final Map<String, List<World.ServiceAccount>> byCluster = new ConcurrentHashMap<>();

    public void put(String cluster, List<World.ServiceAccount> accounts) {
        byCluster.put(cluster, new ArrayList<>(accounts));
    }

    public List<World.ServiceAccount> get(String cluster) {
        return List.copyOf(byCluster.getOrDefault(cluster, List.of()));
    }

    public void clear() {
        byCluster.clear();
    }
}

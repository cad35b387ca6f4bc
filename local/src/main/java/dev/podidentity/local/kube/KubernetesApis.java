package dev.podidentity.local.kube;

import dev.podidentity.local.world.World;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Kubernetes API server per world cluster: fabric8's mock server in CRUD mode (it stores what is written and
 * answers gets, lists, patches and deletes like an API server), on 127.0.0.1 over plain HTTP. DescribeCluster
 * names it as the cluster's endpoint, so the functions take their real path: EKS token, fabric8, HTTP.
 * The mock does no authentication: any bearer token is accepted, so the EKS token is made but not verified here.
 */
public final class KubernetesApis implements AutoCloseable {
    /** The mock logs every request at INFO; held strongly, or the JDK may drop the logger and its level. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(Level.WARNING);
    }

    private final Map<String, Api> byCluster = new ConcurrentHashMap<>();

    private record Api(KubernetesMockServer server, KubernetesClient client) {
    }

    /** Starts the cluster's API server if needed and writes the world's service accounts and workloads into it. */
    public String put(String cluster, List<World.ServiceAccount> accounts, List<World.Workload> workloads) {
        Api api = byCluster.computeIfAbsent(cluster, c -> start());
        KubernetesClient k = api.client();
        Set<String> namespaces = new HashSet<>(List.of("default", "kube-system"));
        accounts.forEach(a -> namespaces.add(a.namespace()));
        workloads.forEach(w -> namespaces.add(w.namespace()));
        for (String ns : namespaces) {
            if (k.namespaces().withName(ns).get() == null) {
                k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                        .create();
            }
        }
        for (World.ServiceAccount a : accounts) {
            ServiceAccountBuilder sa = new ServiceAccountBuilder().withNewMetadata().withNamespace(a.namespace())
                    .withName(a.name()).withAnnotations(nullIfEmpty(a.annotations())).withLabels(nullIfEmpty(a.labels()))
                    .endMetadata();
            a.imagePullSecrets().forEach(sa::addNewImagePullSecret);
            if (a.automountServiceAccountToken() != null) {
                sa.withAutomountServiceAccountToken(a.automountServiceAccountToken());
            }
            k.serviceAccounts().inNamespace(a.namespace()).resource(sa.build()).create();
        }
        workloads.forEach(w -> createWorkload(k, w));
        return endpoint(cluster);
    }

    /** The API server's URL, as DescribeCluster reports it. */
    public String endpoint(String cluster) {
        Api api = byCluster.get(cluster);
        return api == null ? null : api.server().url("/").replaceAll("/$", "");
    }

    /** The cluster's API as the test or the state dump sees it (not the functions' client). */
    public KubernetesClient client(String cluster) {
        Api api = byCluster.get(cluster);
        if (api == null) {
            throw new IllegalArgumentException("no Kubernetes API for cluster " + cluster);
        }
        return api.client();
    }

    /** The cluster's service accounts now, in the world file's shape, sorted by namespace and name. */
    public List<World.ServiceAccount> get(String cluster) {
        Api api = byCluster.get(cluster);
        if (api == null) {
            return List.of();
        }
        List<World.ServiceAccount> out = new ArrayList<>();
        for (ServiceAccount sa : api.client().serviceAccounts().inAnyNamespace().list().getItems()) {
            ObjectMeta m = sa.getMetadata();
            out.add(new World.ServiceAccount(m.getNamespace(), m.getName(), m.getAnnotations(), m.getLabels(),
                    sa.getImagePullSecrets() == null ? List.of()
                            : sa.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList(),
                    sa.getAutomountServiceAccountToken()));
        }
        out.sort(Comparator.comparing(World.ServiceAccount::namespace).thenComparing(World.ServiceAccount::name));
        return out;
    }

    /**
     * Empties every API server but keeps it on its port, so clients that cached a cluster's endpoint (the
     * functions build one client per cluster and container) still reach it after a reseed.
     */
    public void clear() {
        byCluster.values().forEach(api -> api.server().reset());
    }

    /** Stops every API server. */
    @Override
    public void close() {
        byCluster.values().forEach(api -> {
            api.client().close();
            api.server().destroy();
        });
        byCluster.clear();
    }

    private static Api start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return new Api(server, server.createClient());
    }

    /** A Deployment (with its ReplicaSet) or a DaemonSet, and its running pods with owner references. */
    private static void createWorkload(KubernetesClient k, World.Workload w) {
        String ns = w.namespace();
        Map<String, String> selector = Map.of("app", w.name());
        OwnerReference podOwner;
        if ("DaemonSet".equals(w.kind())) {
            var ds = k.apps().daemonSets().inNamespace(ns).resource(new DaemonSetBuilder().withNewMetadata()
                    .withName(w.name()).withNamespace(ns).endMetadata().withNewSpec().withNewSelector()
                    .withMatchLabels(selector).endSelector().withNewTemplate().withNewMetadata().withLabels(selector)
                    .endMetadata().withNewSpec().withServiceAccountName(w.serviceAccount()).addNewContainer()
                    .withName(w.name()).withImage(w.image()).endContainer().endSpec().endTemplate().endSpec()
                    .build()).create();
            podOwner = owner("apps/v1", "DaemonSet", w.name(), ds.getMetadata().getUid());
        } else {
            var deployment = k.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                    .withName(w.name()).withNamespace(ns).endMetadata().withNewSpec().withReplicas(w.replicas())
                    .withNewSelector().withMatchLabels(selector).endSelector().withNewTemplate().withNewMetadata()
                    .withLabels(selector).endMetadata().withNewSpec().withServiceAccountName(w.serviceAccount())
                    .addNewContainer().withName(w.name()).withImage(w.image()).endContainer().endSpec().endTemplate()
                    .endSpec().build()).create();
            String rsName = w.name() + "-5d8c7b9f4";
            var rs = k.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata()
                    .withName(rsName).withNamespace(ns).withOwnerReferences(owner("apps/v1", "Deployment", w.name(),
                            deployment.getMetadata().getUid())).endMetadata().withNewSpec().withReplicas(w.replicas())
                    .withNewSelector().withMatchLabels(selector).endSelector().endSpec().build()).create();
            podOwner = owner("apps/v1", "ReplicaSet", rsName, rs.getMetadata().getUid());
        }
        for (int i = 0; i < w.replicas(); i++) {
            String podName = podOwner.getName() + "-" + "abcdefghij".charAt(i % 10) + i;
            k.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(podName).withNamespace(ns)
                    .withLabels(selector).withOwnerReferences(podOwner).endMetadata().withNewSpec()
                    .withServiceAccountName(w.serviceAccount()).addNewContainer().withName(w.name())
                    .withImage(w.image()).endContainer().endSpec().build()).create();
        }
    }

    private static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name)
                .withUid(uid == null ? name + "-uid" : uid).withController(true).build();
    }

    private static Map<String, String> nullIfEmpty(Map<String, String> m) {
        return m == null || m.isEmpty() ? null : m;
    }
}

package dev.podidentity.autopilot.kube;

import dev.podidentity.autopilot.error.KubernetesAccessException;
import dev.podidentity.autopilot.error.NotFoundException;
import dev.podidentity.autopilot.error.RetryableException;
import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.port.KubernetesPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountList;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@link KubernetesPort} on fabric8. Writes are minimal: a service account we did not create is never rewritten
 * (eksctl rewrites it from its metadata alone and loses imagePullSecrets); the IRSA annotation goes with a JSON
 * patch that first tests its value, so a concurrent change makes the patch fail instead of removing someone
 * else's annotation.
 */
public final class Fabric8Kubernetes implements KubernetesPort {
    private static final long PAGE = 500;

    private final KubernetesClients clients;

    public Fabric8Kubernetes(KubernetesClients clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    @Override
    public Result createServiceAccount(String cluster, String namespace, String serviceAccount) {
        String key = namespace + "/" + serviceAccount;
        KubernetesClient k = clients.forCluster(cluster);
        return call(cluster, "create service account " + key, () -> {
            boolean namespaceCreated = false;
            if (k.namespaces().withName(namespace).get() == null) {
                Namespace ns = new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .addToLabels(MANAGED_BY_LABEL, MANAGED_BY).endMetadata().build();
                namespaceCreated = createIgnoringConflict(() -> k.namespaces().resource(ns).create());
            }
            if (k.serviceAccounts().inNamespace(namespace).withName(serviceAccount).get() != null) {
                return new Result(false, false, "service account \"" + key + "\" already exists; left as it is "
                        + "(not ours, so never deleted by us)");
            }
            ServiceAccount sa = new ServiceAccountBuilder().withNewMetadata().withNamespace(namespace)
                    .withName(serviceAccount).addToLabels(MANAGED_BY_LABEL, MANAGED_BY).endMetadata().build();
            if (!createIgnoringConflict(() -> k.serviceAccounts().inNamespace(namespace).resource(sa).create())) {
                return new Result(false, false, "service account \"" + key + "\" was created meanwhile by someone "
                        + "else; left as it is");
            }
            return new Result(true, false, "created service account \"" + key + "\""
                    + (namespaceCreated ? " and its namespace" : ""));
        });
    }

    @Override
    public Result removeIrsaAnnotation(String cluster, String namespace, String serviceAccount) {
        String key = namespace + "/" + serviceAccount;
        KubernetesClient k = clients.forCluster(cluster);
        return call(cluster, "remove the IRSA annotation from " + key, () -> {
            ServiceAccount sa = k.serviceAccounts().inNamespace(namespace).withName(serviceAccount).get();
            if (sa == null) {
                return new Result(false, false, "service account \"" + key + "\" not found; no annotation to remove");
            }
            String value = annotations(sa).get(IRSA_ANNOTATION);
            if (value == null) {
                return new Result(false, false, "service account \"" + key + "\" has no annotation "
                        + IRSA_ANNOTATION + "; unchanged");
            }
            String path = "/metadata/annotations/" + IRSA_ANNOTATION.replace("~", "~0").replace("/", "~1");
            String patch = "[{\"op\":\"test\",\"path\":\"" + path + "\",\"value\":" + jsonString(value) + "},"
                    + "{\"op\":\"remove\",\"path\":\"" + path + "\"}]";
            k.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                    .patch(PatchContext.of(PatchType.JSON), patch);
            return new Result(true, false, "removed annotation " + IRSA_ANNOTATION + " (" + value + ") from "
                    + "service account \"" + key + "\"; its other annotations, labels and secrets are unchanged");
        });
    }

    @Override
    public Result deleteServiceAccount(String cluster, String namespace, String serviceAccount) {
        String key = namespace + "/" + serviceAccount;
        KubernetesClient k = clients.forCluster(cluster);
        return call(cluster, "delete service account " + key, () -> {
            ServiceAccount sa = k.serviceAccounts().inNamespace(namespace).withName(serviceAccount).get();
            if (sa == null) {
                return new Result(false, false, "service account \"" + key + "\" already gone");
            }
            Map<String, String> labels = sa.getMetadata().getLabels();
            if (labels == null || !MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL))) {
                return new Result(false, false, "service account \"" + key + "\" was not created by " + MANAGED_BY
                        + "; not deleted");
            }
            k.serviceAccounts().inNamespace(namespace).withName(serviceAccount).delete();
            return new Result(true, false, "deleted service account \"" + key + "\" (created by " + MANAGED_BY + ")");
        });
    }

    @Override
    public List<ClusterState.IrsaServiceAccount> listIrsaServiceAccounts(String cluster) {
        KubernetesClient k = clients.forCluster(cluster);
        return call(cluster, "list service accounts in all namespaces", () -> {
            List<ClusterState.IrsaServiceAccount> out = new ArrayList<>();
            String next = null;
            do {
                ServiceAccountList page = k.serviceAccounts().inAnyNamespace()
                        .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
                for (ServiceAccount sa : page.getItems()) {
                    String role = annotations(sa).get(IRSA_ANNOTATION);
                    if (role != null && !role.isBlank()) {
                        out.add(new ClusterState.IrsaServiceAccount(sa.getMetadata().getNamespace(),
                                sa.getMetadata().getName(), role.trim()));
                    }
                }
                next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
            } while (next != null && !next.isEmpty());
            out.sort(java.util.Comparator.comparing(ClusterState.IrsaServiceAccount::key));
            return out;
        });
    }

    @Override
    public List<String> workloadsUsing(String cluster, String namespace, String serviceAccount) {
        KubernetesClient k = clients.forCluster(cluster);
        return call(cluster, "list pods in namespace " + namespace, () -> {
            TreeSet<String> out = new TreeSet<>();
            String next = null;
            do {
                PodList page = k.pods().inNamespace(namespace)
                        .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
                for (Pod pod : page.getItems()) {
                    String runsAs = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
                    if (serviceAccount.equals(runsAs == null || runsAs.isEmpty() ? "default" : runsAs)) {
                        out.add(topOwner(k, pod));
                    }
                }
                next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
            } while (next != null && !next.isEmpty());
            return List.copyOf(out);
        });
    }

    /** A pod's Deployment (through its ReplicaSet), or its direct controller, or the pod itself. */
    private static String topOwner(KubernetesClient k, Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        OwnerReference owner = controller(pod);
        if (owner == null) {
            return "Pod " + namespace + "/" + pod.getMetadata().getName();
        }
        if ("ReplicaSet".equals(owner.getKind())) {
            ReplicaSet rs = k.apps().replicaSets().inNamespace(namespace).withName(owner.getName()).get();
            OwnerReference deployment = rs == null ? null : controller(rs);
            if (deployment != null) {
                return deployment.getKind() + " " + namespace + "/" + deployment.getName();
            }
        }
        return owner.getKind() + " " + namespace + "/" + owner.getName();
    }

    private static OwnerReference controller(HasMetadata resource) {
        List<OwnerReference> owners = resource.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty()) {
            return null;
        }
        return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().orElse(owners.get(0));
    }

    private static Map<String, String> annotations(ServiceAccount sa) {
        Map<String, String> a = sa.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    /** True when created; false when it already existed (409), which a concurrent creator makes possible. */
    private static boolean createIgnoringConflict(Runnable create) {
        try {
            create.run();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Runs one API call, turning the client's errors into the ones the state machine tells apart. */
    private <T> T call(String cluster, String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (KubernetesClientException e) {
            throw translate(cluster, what, e);
        }
    }

    private RuntimeException translate(String cluster, String what, KubernetesClientException e) {
        int code = e.getCode();
        String where = what + " on cluster \"" + cluster + "\"";
        if (code == HttpURLConnection.HTTP_UNAUTHORIZED || code == HttpURLConnection.HTTP_FORBIDDEN) {
            return new KubernetesAccessException(where + ": the API server refused the function's IAM role (HTTP "
                    + code + "). Give the role access: an EKS access entry with an access policy (the onboarding "
                    + "step creates one on API or API_AND_CONFIG_MAP clusters), or on a CONFIG_MAP-only cluster a "
                    + "mapRoles entry in kube-system/aws-auth; see docs/kubernetes-access.md", e);
        }
        if (code == HttpURLConnection.HTTP_NOT_FOUND) {
            clients.forget(cluster);
            return new NotFoundException(where + ": " + e.getMessage());
        }
        if (code <= 0) {
            // No HTTP answer at all: unreachable endpoint (a private cluster outside the functions' VPC), DNS, TLS.
            clients.forget(cluster);
            return new RetryableException(where + ": the API server did not answer (" + rootMessage(e) + "); if the "
                    + "cluster's endpoint is private, deploy the functions into its VPC (template parameters "
                    + "KubernetesSubnetIds and KubernetesSecurityGroupIds)", e);
        }
        if (code == 429 || code >= 500) {
            return new RetryableException(where + ": HTTP " + code + ": " + e.getMessage(), e);
        }
        return e;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}

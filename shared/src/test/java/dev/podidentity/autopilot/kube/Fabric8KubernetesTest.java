package dev.podidentity.autopilot.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podidentity.autopilot.plan.ClusterState;
import dev.podidentity.autopilot.port.KubernetesPort;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service-account side against fabric8's API server mock in CRUD mode, reached the way the functions reach EKS:
 * endpoint from {@link ClusterAccess}, a bearer token per request, the JDK HTTP client.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class Fabric8KubernetesTest {
    static KubernetesClient client;      // the test's own view of the API server, injected
    static KubernetesMockServer server;  // injected

    private static final String ROLE = "arn:aws:iam::111122223333:role/team/Unowned-Role1";
    private static final String TOKEN = "k8s-aws-v1.dGVzdA";

    private KubernetesClients clients;
    private KubernetesPort kube;

    @BeforeEach
    void connect() {
        ClusterAccess access = new ClusterAccess() {
            @Override
            public Endpoint endpoint(String cluster) {
                return new Endpoint(server.url("/"), null);
            }

            @Override
            public String token(String cluster) {
                return TOKEN;
            }
        };
        clients = KubernetesClients.using(access);
        kube = new Fabric8Kubernetes(clients);
    }

    @AfterEach
    void clean() {
        clients.close();
        client.serviceAccounts().inAnyNamespace().delete();
        client.pods().inAnyNamespace().delete();
        client.apps().replicaSets().inAnyNamespace().delete();
        client.namespaces().delete();
    }

    @Test
    void createServiceAccount_whenMissing_createsNamespaceAndAccountLabelledOurs() throws InterruptedException {
        while (server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // drop requests of earlier tests
        }
        KubernetesPort.Result r = kube.createServiceAccount("c", "payments", "api");

        assertEquals("Bearer " + TOKEN, server.takeRequest().getHeader("Authorization"));
        assertTrue(r.changed(), r.reason());
        assertEquals("created service account \"payments/api\" and its namespace", r.reason());
        ServiceAccount sa = client.serviceAccounts().inNamespace("payments").withName("api").get();
        assertEquals(Map.of("app.kubernetes.io/managed-by", "pod-identity-autopilot"), sa.getMetadata().getLabels());
        assertNotNull(client.namespaces().withName("payments").get());
    }

    @Test
    void createServiceAccount_whenExisting_leavesEverythingItHad() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
                .create();
        ServiceAccount before = client.serviceAccounts().inNamespace("apps").resource(helmAccount("web")).create();

        KubernetesPort.Result r = kube.createServiceAccount("c", "apps", "web");
        KubernetesPort.Result again = kube.createServiceAccount("c", "apps", "web");

        assertFalse(r.changed());
        assertFalse(again.changed());
        ServiceAccount after = client.serviceAccounts().inNamespace("apps").withName("web").get();
        assertEquals(before, after, "not one field of an account we did not create may change");
        assertEquals("Helm", after.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    }

    @Test
    void createServiceAccount_inExistingNamespace_createsOnlyTheAccount() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps")
                .addToLabels("team", "a").endMetadata().build()).create();

        KubernetesPort.Result r = kube.createServiceAccount("c", "apps", "worker");

        assertEquals("created service account \"apps/worker\"", r.reason());
        assertEquals(Map.of("team", "a"), client.namespaces().withName("apps").get().getMetadata().getLabels());
    }

    @Test
    void removeIrsaAnnotation_keepsImagePullSecretsAndEverythingElse() {
        ServiceAccount before = client.serviceAccounts().inNamespace("apps").resource(helmAccount("web")).create();

        KubernetesPort.Result r = kube.removeIrsaAnnotation("c", "apps", "web");

        assertTrue(r.changed(), r.reason());
        ServiceAccount after = client.serviceAccounts().inNamespace("apps").withName("web").get();
        assertNull(after.getMetadata().getAnnotations().get(KubernetesPort.IRSA_ANNOTATION));
        assertEquals(Map.of("team.example.com/owner", "web-team"), after.getMetadata().getAnnotations());
        assertEquals(before.getMetadata().getLabels(), after.getMetadata().getLabels());
        assertEquals(List.of("regcred", "mirror-cred"),
                after.getImagePullSecrets().stream().map(s -> s.getName()).toList());
        assertEquals(List.of("web-token"), after.getSecrets().stream().map(s -> s.getName()).toList());
        assertEquals(Boolean.FALSE, after.getAutomountServiceAccountToken());
    }

    @Test
    void removeIrsaAnnotation_whenAbsentOrAccountMissing_isUnchanged() {
        client.serviceAccounts().inNamespace("apps").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("plain").endMetadata().build()).create();

        assertFalse(kube.removeIrsaAnnotation("c", "apps", "plain").changed());
        KubernetesPort.Result missing = kube.removeIrsaAnnotation("c", "apps", "gone");
        assertFalse(missing.changed());
        assertFalse(missing.skipped());
        assertEquals("service account \"apps/gone\" not found; no annotation to remove", missing.reason());
    }

    @Test
    void deleteServiceAccount_deletesOnlyAccountsWeCreated() {
        kube.createServiceAccount("c", "apps", "ours");
        client.serviceAccounts().inNamespace("apps").resource(helmAccount("theirs")).create();

        KubernetesPort.Result ours = kube.deleteServiceAccount("c", "apps", "ours");
        KubernetesPort.Result theirs = kube.deleteServiceAccount("c", "apps", "theirs");
        KubernetesPort.Result gone = kube.deleteServiceAccount("c", "apps", "ours");

        assertTrue(ours.changed());
        assertNull(client.serviceAccounts().inNamespace("apps").withName("ours").get());
        assertFalse(theirs.changed());
        assertEquals("service account \"apps/theirs\" was not created by pod-identity-autopilot; not deleted",
                theirs.reason());
        assertNotNull(client.serviceAccounts().inNamespace("apps").withName("theirs").get());
        assertEquals("service account \"apps/ours\" already gone", gone.reason());
    }

    @Test
    void listIrsaServiceAccounts_findsAnnotatedAccountsInAllNamespaces() {
        client.serviceAccounts().inNamespace("apps").resource(helmAccount("web")).create();
        client.serviceAccounts().inNamespace("kube-system").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("aws-node").addToAnnotations(KubernetesPort.IRSA_ANNOTATION,
                        "arn:aws:iam::111122223333:role/AmazonEKSVPCCNIRole").endMetadata().build()).create();
        client.serviceAccounts().inNamespace("apps").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("plain").endMetadata().build()).create();

        List<ClusterState.IrsaServiceAccount> found = kube.listIrsaServiceAccounts("c");

        assertEquals(List.of(new ClusterState.IrsaServiceAccount("apps", "web", ROLE),
                new ClusterState.IrsaServiceAccount("kube-system", "aws-node",
                        "arn:aws:iam::111122223333:role/AmazonEKSVPCCNIRole")), found);
    }

    @Test
    void workloadsUsing_namesTheTopOwnerOfEachPodRunningAsTheAccount() {
        client.apps().replicaSets().inNamespace("apps").resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("web-7d9f").addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
                .withName("web").withUid("d1").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build())
                .create();
        pod("web-7d9f-a", "web", "ReplicaSet", "web-7d9f");
        pod("web-7d9f-b", "web", "ReplicaSet", "web-7d9f");
        pod("agent-x1", "web", "DaemonSet", "agent");
        pod("debug", "web", null, null);
        pod("other-1", "other", "StatefulSet", "other");

        assertEquals(List.of("DaemonSet apps/agent", "Deployment apps/web", "Pod apps/debug"),
                kube.workloadsUsing("c", "apps", "web"));
        assertEquals(List.of(), kube.workloadsUsing("c", "apps", "nobody"));
    }

    private static void pod(String name, String serviceAccount, String ownerKind, String ownerName) {
        PodBuilder pod = new PodBuilder();
        var meta = pod.withNewMetadata().withName(name).withNamespace("apps");
        if (ownerKind != null) {
            meta.addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(ownerName)
                    .withUid(ownerName + "-uid").withController(true).endOwnerReference();
        }
        meta.endMetadata().withNewSpec().withServiceAccountName(serviceAccount).addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec();
        client.pods().inNamespace("apps").resource(pod.build()).create();
    }

    /** A service account as a Helm chart makes it: its own labels, an annotation, secrets, no token automount. */
    private static ServiceAccount helmAccount(String name) {
        return new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace("apps")
                .addToLabels("app.kubernetes.io/managed-by", "Helm").addToLabels("app.kubernetes.io/name", name)
                .addToAnnotations(KubernetesPort.IRSA_ANNOTATION, ROLE)
                .addToAnnotations("team.example.com/owner", "web-team")
                .endMetadata()
                .addNewImagePullSecret("regcred").addNewImagePullSecret("mirror-cred")
                .addNewSecret().withName("web-token").endSecret()
                .withAutomountServiceAccountToken(false)
                .build();
    }
}

package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;
import dev.podidentity.local.app.StackParameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Each function's deployment jar (functions/&lt;task&gt;/target/&lt;task&gt;.jar, what `sam build` ships; the reactor
 * packages the function modules before this module's tests run) holds the SDK service modules its pom declares and
 * no other, fabric8 only where the function reaches a cluster's API server, and is enough for its handler: in a
 * fresh JVM on the jar alone, the handler is constructed and its SnapStart priming runs (its clients and code path,
 * nothing sent) without a missing class; with Lambda's active-tracing environment, an SDK call's X-Ray subsegment
 * reaches the daemon's UDP address. Each jar is at most 15 MB (10^6 bytes), 25 MB where the function reaches a
 * cluster (issue 16's goals; docs/performance.md).
 */
class FunctionJarsTest {
    private static final String TRACE_HEADER =
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    private static final Pattern SDK_MODULE = Pattern.compile(
            "<groupId>software.amazon.awssdk</groupId><artifactId>([a-z0-9-]+)</artifactId>");

    /** Bytes (10^6) each jar may have: issue 16's goals, after functions/proguard.pro shrinks the SDK's service classes. */
    private static final Map<String, Double> MAX_MB = Map.ofEntries(
            Map.entry("DispatcherFunction", 15.0), Map.entry("ClusterStatusFunction", 15.0),
            Map.entry("InstallAgentFunction", 15.0), Map.entry("ReportFunction", 15.0),
            Map.entry("LockFunction", 15.0), Map.entry("TrustPolicyFunction", 15.0), Map.entry("AddonFunction", 15.0),
            // fabric8 with the Jackson 3 it needs
            Map.entry("AssociationFunction", 25.0), Map.entry("PruneFunction", 25.0),
            Map.entry("ResolveFunction", 25.0), Map.entry("SweepFunction", 25.0));

    @Test
    void everyFunctionJar_holdsWhatItsModuleDeclares_andStartsAndPrimesOnItsOwn() throws Exception {
        Path root = ProjectFiles.root();
        CfnTemplate template = CfnTemplate.load();
        StackParameters stack = new StackParameters(template, "111122223333", Map.of());
        Path probeClasses = Path.of(FunctionJarProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Map.Entry<String, JsonNode> f : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            JsonNode props = f.getValue().path("Properties");
            Path module = root.resolve(props.path("CodeUri").asText()).normalize();
            Path jar = module.resolve("target").resolve(module.getFileName() + ".jar");
            assertTrue(Files.isRegularFile(jar), jar + " is missing: build with ./run-tests (mvn verify) or mvn package");
            String pom = Files.readString(module.resolve("pom.xml"));

            Set<String> declared = new TreeSet<>();
            Matcher m = SDK_MODULE.matcher(pom);
            while (m.find()) {
                declared.add(m.group(1));
            }
            Set<String> packaged = new TreeSet<>();
            boolean fabric8;
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream().map(e -> e.getName().split("/")).filter(p -> p.length > 5
                        && String.join("/", List.of(p).subList(0, 4)).equals("software/amazon/awssdk/services"))
                        .forEach(p -> packaged.add(p[4]));
                fabric8 = zip.getEntry("io/fabric8/kubernetes/client/KubernetesClient.class") != null;
            }
            assertEquals(declared, packaged, f.getKey() + ": SDK service modules in " + jar.getFileName());
            // Resolve, Association and Prune (in the clusters' VPC) and the sweep (which resolves like Resolve)
            boolean reachesClusters = !props.path("VpcConfig").isMissingNode()
                    || props.path("Environment").path("Variables").has("KUBERNETES_PRINCIPAL_ARNS");
            assertEquals(reachesClusters, fabric8, f.getKey() + ": fabric8 only where the function reaches a cluster");
            double mb = Files.size(jar) / 1e6;
            assertTrue(MAX_MB.containsKey(f.getKey()), f.getKey() + ": no size limit set in this test");
            assertTrue(mb <= MAX_MB.get(f.getKey()), String.format("%s: %s is %.1f MB, at most %.1f MB",
                    f.getKey(), jar.getFileName(), mb, MAX_MB.get(f.getKey())));

            Map<String, String> env = new LinkedHashMap<>(stack.environment(List.of(f.getKey())));
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "probe");
            env.put("AWS_SECRET_ACCESS_KEY", "probe");
            env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
            env.put("CONFIG_BUCKET", "probe-bucket");
            env.put("STATE_MACHINE_ARN", "arn:aws:states:us-east-1:111122223333:stateMachine:probe");
            env.put("LOCK_TABLE", "probe-locks");
            // Lambda's environment with active tracing: the daemon's address and the invocation's trace header
            env.put("AWS_LAMBDA_FUNCTION_NAME", f.getKey());
            String handler = props.path("Handler").asText().split("::")[0];
            try (DatagramSocket daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                env.put("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemon.getLocalPort());
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dcom.amazonaws.xray.traceHeader=" + TRACE_HEADER,
                        "-cp", jar + File.pathSeparator + probeClasses, FunctionJarProbe.class.getName(), handler);
                pb.environment().putAll(env);
                pb.redirectErrorStream(true);
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), f.getKey() + " did not finish");
                assertEquals(0, p.exitValue(), f.getKey() + " on " + jar.getFileName() + " alone:\n" + out);
                assertTrue(out.contains("PRIMED " + handler), out);
                assertTrue(out.contains("CALLED "), out);
                daemon.setSoTimeout(5_000);
                DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
                daemon.receive(packet);
                String doc = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertTrue(doc.startsWith("{\"format\": \"json\", \"version\": 1}\n"), doc);
                assertTrue(doc.contains("\"type\":\"subsegment\"") && doc.contains("\"parent_id\":\"53995c3f42cd8ad8\"")
                        && doc.contains("\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\""), f.getKey() + ": " + doc);
            }
        }
    }
}

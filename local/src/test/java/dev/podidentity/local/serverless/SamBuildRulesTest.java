package dev.podidentity.local.serverless;

import dev.podidentity.local.app.CfnTemplate;
import dev.podidentity.local.app.ProjectFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every function the way SAM CLI builds it (aws-sam-cli: samcli/lib/providers/provider.py get_function_build_info,
 * samcli/lib/build/app_builder.py and workflow_config.py; aws-lambda-builders: workflows/custom_make):
 * <ul>
 *   <li>a CodeUri that is neither a .zip nor marked {@code SkipBuild} is built; it is resolved against the
 *       template's directory and must be a directory;</li>
 *   <li>{@code Metadata.BuildMethod: makefile} selects the make workflow whatever the runtime; its manifest is
 *       {@code Makefile} in {@code Metadata.ContextPath} (resolved against the template's directory), and SAM CLI
 *       runs its target {@code build-<LogicalId>} with ARTIFACTS_DIR set;</li>
 *   <li>the Lambda Java runtime then loads {@code Handler}'s class from the artifact's classes or lib/*.jar.</li>
 * </ul>
 * And samconfig.toml gives {@code sam deploy --guided} its defaults.
 */
class SamBuildRulesTest {
    private static final Pattern HANDLER = Pattern.compile("([\\w.$]+)::(\\w+)");

    static CfnTemplate template;
    static Path root;

    @BeforeAll
    static void load() {
        template = CfnTemplate.load();
        root = ProjectFiles.root();
    }

    @Test
    void everyFunction_isBuiltBySam_fromItsModuleDirectory_withTheMakefileTargetSamCalls() throws Exception {
        Map<String, JsonNode> functions = template.resourcesOfType("AWS::Serverless::Function");
        assertEquals(TemplateTest.TASKS.size(), functions.size());
        String makefile = null;
        String modules = Files.readString(root.resolve("functions/pom.xml"));
        for (Map.Entry<String, JsonNode> f : functions.entrySet()) {
            String id = f.getKey();
            JsonNode metadata = f.getValue().path("Metadata");
            JsonNode props = f.getValue().path("Properties");
            String codeUri = props.path("CodeUri").asText();

            // buildable: not pre-zipped, not SkipBuild, not inline
            assertFalse(codeUri.endsWith(".zip") || codeUri.endsWith(".jar"), id + ": SAM does not build " + codeUri);
            assertFalse(metadata.path("SkipBuild").asBoolean(false), id + " is marked SkipBuild");
            assertTrue(props.path("InlineCode").isMissingNode(), id);
            Path codeDir = root.resolve(codeUri).normalize();
            assertTrue(Files.isDirectory(codeDir), id + ": CodeUri " + codeUri + " is not a directory (sam build: Not a directory)");
            String module = codeDir.getFileName().toString();
            assertEquals(root.resolve("functions").resolve(module), codeDir, id + ": CodeUri is a module under functions/");
            assertTrue(modules.contains("<module>" + module + "</module>"), id + ": functions/pom.xml builds " + module);
            assertTrue(Files.readString(codeDir.resolve("pom.xml")).contains("<artifactId>" + module + "</artifactId>"), id);

            // the make workflow: manifest ContextPath/Makefile, target build-<LogicalId>
            assertEquals("makefile", metadata.path("BuildMethod").asText(), id + ": Metadata.BuildMethod");
            Path manifest = root.resolve(metadata.path("ContextPath").asText(".")).normalize().resolve("Makefile");
            assertTrue(Files.isRegularFile(manifest), id + ": no " + manifest);
            makefile = Files.readString(manifest);
            Matcher target = Pattern.compile("(?m)^build-" + Pattern.quote(id) + ":\\s*\\n((?:\\t.*\\n)+)").matcher(makefile);
            assertTrue(target.find(), id + ": the Makefile has no target build-" + id);
            assertTrue(target.group(1).contains("$(call build-function," + module + ")"), id + " builds " + module + ": " + target.group(1));

            // the handler: a public class of this module with a public no-arg constructor, Lambda's stream interface
            Matcher h = HANDLER.matcher(props.path("Handler").asText());
            assertTrue(h.matches(), id + ": Handler " + props.path("Handler").asText());
            String className = h.group(1);
            assertTrue(Files.isRegularFile(codeDir.resolve("src/main/java/" + className.replace('.', '/') + ".java")),
                    id + ": " + className + " is not in " + codeUri);
            Class<?> handler = Class.forName(className);
            assertTrue(RequestStreamHandler.class.isAssignableFrom(handler), id);
            assertTrue(Modifier.isPublic(handler.getConstructor().getModifiers()), id);
            assertEquals("handleRequest", h.group(2), id);
        }
        // what each target does: package the module (and what it needs) with Maven in the reactor, its jar to lib/
        Matcher recipe = Pattern.compile("(?ms)^define build-function\\n(.*?)^endef").matcher(makefile);
        assertTrue(recipe.find(), "the Makefile defines build-function");
        assertTrue(recipe.group(1).contains("package -pl functions/$(1) -am"), recipe.group(1));
        assertFalse(recipe.group(1).contains(" install"), "nothing is installed into ~/.m2");
        assertTrue(recipe.group(1).contains("functions/$(1)/target/$(1).jar\" \"$(ARTIFACTS_DIR)/lib/"), recipe.group(1));
        // shade writes target/<module>-unshrunk.jar; ProGuard shrinks its SDK service classes into a part jar, and the
        // part with the rest of the shaded jar makes target/<module>.jar, the file the Makefile copies
        String functionsPom = Files.readString(root.resolve("functions/pom.xml"));
        assertTrue(functionsPom.contains(
                "<outputFile>${project.build.directory}/${project.artifactId}-unshrunk.jar</outputFile>"),
                "the module's shaded jar is target/<module>-unshrunk.jar");
        assertTrue(Pattern.compile("<argument>-injars</argument>\\s*"
                + "<argument>\\$\\{project.build.directory}/\\$\\{project.artifactId}-unshrunk.jar\\(\\$\\{proguard.program}\\)</argument>\\s*"
                + "<argument>-outjars</argument>\\s*"
                + "<argument>\\$\\{project.build.directory}/\\$\\{project.artifactId}-shrunk-part.jar</argument>")
                .matcher(functionsPom).find(), "ProGuard shrinks the shaded jar's program part");
        Matcher zip = Pattern.compile("(?s)<zip destfile=\"\\$\\{project.build.directory}/\\$\\{project.artifactId}.jar\"(.*?)</zip>")
                .matcher(functionsPom);
        assertTrue(zip.find(), "antrun puts target/<module>.jar together");
        assertTrue(zip.group(1).contains("<zipfileset src=\"${project.build.directory}/${project.artifactId}-shrunk-part.jar\"/>"),
                zip.group(1));
        assertTrue(zip.group(1).contains("<zipfileset src=\"${project.build.directory}/${project.artifactId}-unshrunk.jar\""),
                zip.group(1));
        assertTrue(zip.group(1).contains("duplicate=\"fail\""), "an entry in both parts fails the build");
    }

    @Test
    void samconfig_givesGuidedDeployItsDefaults() throws Exception {
        Map<String, String> deploy = section(Files.readString(root.resolve("samconfig.toml")), "default.deploy.parameters");
        Map<String, String> global = section(Files.readString(root.resolve("samconfig.toml")), "default.global.parameters");
        assertEquals("\"pod-identity-autopilot\"", global.get("stack_name"));
        assertEquals("\"CAPABILITY_IAM\"", deploy.get("capabilities"), "the stack creates unnamed IAM roles");
        assertEquals("true", deploy.get("resolve_s3"));
        assertEquals("true", deploy.get("confirm_changeset"));
        assertEquals("\"\"", deploy.get("parameter_overrides"), "every parameter takes the template's default");
        assertTrue(template.root().path("Resources").properties().stream().noneMatch(r ->
                r.getValue().path("Properties").has("RoleName")), "named roles would need CAPABILITY_NAMED_IAM");
    }

    @Test
    void localEnvJson_setsOnlyVariablesTheTemplateDeclares() throws Exception {
        // sam local invoke --env-vars overrides only the variables a function's template environment declares
        JsonNode env = ProjectFiles.readJson(root.resolve("local/env.json"));
        JsonNode globals = template.root().path("Globals").path("Function").path("Environment").path("Variables");
        Map<String, JsonNode> functions = template.resourcesOfType("AWS::Serverless::Function");
        env.path("Parameters").fieldNames().forEachRemaining(name -> assertTrue(globals.has(name), name));
        assertTrue(env.path("Parameters").path("AWS_ENDPOINT_URL").asText().startsWith("http"));
        env.properties().stream().filter(e -> !e.getKey().equals("Parameters")).forEach(e -> {
            assertTrue(functions.containsKey(e.getKey()), e.getKey());
            JsonNode declared = functions.get(e.getKey()).path("Properties").path("Environment").path("Variables");
            e.getValue().fieldNames().forEachRemaining(name -> assertTrue(declared.has(name) || globals.has(name),
                    e.getKey() + " does not declare " + name));
        });
    }

    /** The key = value lines of one [section] of a TOML file (values as written). */
    private static Map<String, String> section(String toml, String name) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean in = false;
        for (String line : toml.lines().toList()) {
            String t = line.strip();
            if (t.startsWith("[")) {
                in = t.equals("[" + name + "]");
            } else if (in && !t.startsWith("#") && t.contains("=")) {
                values.put(t.substring(0, t.indexOf('=')).strip(), t.substring(t.indexOf('=') + 1).strip());
            }
        }
        return values;
    }
}

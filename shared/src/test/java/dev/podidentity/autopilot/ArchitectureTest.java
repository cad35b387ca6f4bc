package dev.podidentity.autopilot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The architecture's rules, checked on the compiled classes (not the source text, which an import-free fully
 * qualified name or a field type slips past). Reading order, bottom up: the domain (config, validate, guard,
 * policy, naming, plan) knows no stage and no adapter; the stages ({@code run..}) know ports, never the adapters
 * or the composition root; the adapters ({@code aws}, {@code kube}) implement ports and know no stage; only
 * {@code app}, the composition root, wires them, and only {@code aws} and {@code app} touch AWS SDK types. The
 * handlers (the function modules) sit on top; their rules are in the local module, which sees them all.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.podidentity.autopilot";
    private static final String[] DOMAIN = {ROOT + ".config..", ROOT + ".validate..", ROOT + ".guard..",
            ROOT + ".policy..", ROOT + ".naming..", ROOT + ".plan.."};
    private static final String STAGES = ROOT + ".run..";
    private static final String AWS = ROOT + ".aws..";
    private static final String KUBE = ROOT + ".kube..";
    private static final String APP = ROOT + ".app..";

    /** Plain JUnit tests (not the ArchUnit engine), so surefire's -Dtest selection runs and reports them. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    @Test
    @DisplayName("No package cycles in dev.podidentity.autopilot")
    void packages_haveNoCycles() {
        slices().matching(ROOT + ".(**)").namingSlices("$1")
                .should().beFreeOfCycles()
                .because("every package arrow runs one way, so each package can be read and tested below its users")
                .check(CLASSES);
    }

    @Test
    @DisplayName("AWS SDK types only in aws and app")
    void sdkTypes_onlyInAdaptersAndCompositionRoot() {
        noClasses()
                .that().resideOutsideOfPackages(AWS, APP)
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .because("AWS SDK types stay in the aws adapters and the composition root that builds the clients")
                .check(CLASSES);
    }

    @Test
    @DisplayName("The domain depends on no stage, adapter, port or composition root")
    void domain_knowsNoStageNorAdapter() {
        noClasses()
                .that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage(STAGES, AWS, KUBE, APP, ROOT + ".lambda..",
                        ROOT + ".port..", ROOT + ".execute..", ROOT + ".observe..")
                .because("the domain is pure: it plans and judges, the stages and adapters act on it")
                .check(CLASSES);
    }

    @Test
    @DisplayName("Stages (run..) depend on no adapter and not on app")
    void stages_knowNoAdapterNorCompositionRoot() {
        noClasses()
                .that().resideInAPackage(STAGES)
                .should().dependOnClassesThat().resideInAnyPackage(AWS, KUBE, APP)
                .because("stages talk to the cloud through ports; app alone chooses the adapters")
                .check(CLASSES);
    }

    @Test
    @DisplayName("Adapters (aws, kube) depend on no stage and not on app")
    void adapters_knowNoStage() {
        noClasses()
                .that().resideInAnyPackage(AWS, KUBE)
                .should().dependOnClassesThat().resideInAnyPackage(STAGES, APP, ROOT + ".lambda..")
                .because("adapters implement ports below the stages; they never call back up")
                .check(CLASSES);
    }

    @Test
    @DisplayName("No application package depends on the composition root")
    void compositionRoot_isUsedByNoApplicationPackage() {
        noClasses()
                .that().resideOutsideOfPackage(APP)
                .should().dependOnClassesThat().resideInAPackage(APP)
                .because("only the handlers on top (and the local cloud) build the services")
                .check(CLASSES);
    }
}

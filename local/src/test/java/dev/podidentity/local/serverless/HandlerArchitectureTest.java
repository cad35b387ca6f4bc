package dev.podidentity.local.serverless;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The handlers' place on top of the application: this module sees every function module and the shared code, so
 * the rules that span both live here (the shared module's own rules are its ArchitectureTest).
 */
class HandlerArchitectureTest {

    private static final String FUNCTIONS = "dev.podidentity.functions";
    private static final String APPLICATION = "dev.podidentity.autopilot";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(FUNCTIONS, APPLICATION);

    @Test
    @DisplayName("The application never depends on a handler")
    void application_dependsOnNoHandler() {
        noClasses().that().resideInAPackage(APPLICATION + "..")
                .should().dependOnClassesThat().resideInAPackage(FUNCTIONS + "..")
                .because("handlers are the top layer: template.yaml names them, nothing below calls them")
                .check(CLASSES);
    }

    @Test
    @DisplayName("Handlers use no AWS SDK type and no adapter; they take their services from the composition root")
    void handlers_useNoSdkTypeNorAdapter() {
        noClasses().that().resideInAPackage(FUNCTIONS + "..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..",
                        APPLICATION + ".aws..", APPLICATION + ".kube..")
                .because("app.Services alone builds SDK clients and adapters")
                .check(CLASSES);
    }

    @Test
    @DisplayName("No handler depends on another handler")
    void handlers_areIndependent() {
        slices().matching(FUNCTIONS + ".(*)..").should().notDependOnEachOther()
                .because("each function is deployed alone and does one stage")
                .check(CLASSES);
    }
}

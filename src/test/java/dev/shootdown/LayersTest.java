package dev.shootdown;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The arrows of STYLE.md: lang -> model -> check | sim -> report -> cli, nothing pointing right. */
class LayersTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.shootdown");

    @Test
    void theSimulatorDependsOnlyOnModelAndLanguage() {
        noClasses().that().resideInAPackage("..sim..").should().dependOnClassesThat()
                .resideInAnyPackage("..check..", "..report..", "..cli..").check(CLASSES);
    }

    @Test
    void theCheckerKnowsNothingOfTheSimulator() {
        noClasses().that().resideInAPackage("..check..").should().dependOnClassesThat().resideInAnyPackage("..sim..", "..report..", "..cli..").check(CLASSES);
    }

    @Test
    void modelAndLanguageKnowNoEngine() {
        noClasses().that().resideInAnyPackage("..model..", "..lang..").should().dependOnClassesThat()
                .resideInAnyPackage("..check..", "..sim..", "..report..", "..cli..").check(CLASSES);
    }

    @Test
    void reportsKnowNoCommandLine() {
        noClasses().that().resideInAPackage("..report..").should().dependOnClassesThat().resideInAPackage("..cli..").check(CLASSES);
    }
}

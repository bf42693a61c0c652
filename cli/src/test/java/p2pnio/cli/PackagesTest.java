package p2pnio.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The command line's packages point one way: {@code p2pnio.cli} (the modes) uses
 * {@code cli.shell}, which uses {@code cli.out} (everything written) and {@code cli.settings}
 * (everything read at launch); none of them imports one that imports it back.
 */
class PackagesTest {

    // the module's own classes only: scanning the whole class path for the package takes seconds
    private static final JavaClasses CLI = new ClassFileImporter().importPath(Path.of("target", "classes"));

    @Test
    void noPackageOfTheCommandLineImportsOneThatImportsItBack() {
        slices().matching("p2pnio.(**)").should().beFreeOfCycles().check(CLI);
    }

    @Test
    void outputAndSettingsKnowNothingOfTheModesOrTheShell() {
        noClasses().that().resideInAnyPackage("p2pnio.cli.out..", "p2pnio.cli.settings..")
                .should().dependOnClassesThat().resideInAnyPackage("p2pnio.cli", "p2pnio.cli.shell..")
                .check(CLI);
        noClasses().that().resideInAnyPackage("p2pnio.cli.shell..")
                .should().dependOnClassesThat().resideInAnyPackage("p2pnio.cli")
                .check(CLI);
    }
}

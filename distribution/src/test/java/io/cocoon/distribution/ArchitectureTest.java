package io.cocoon.distribution;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of the brief: plugins see the SPI only; the SPI sees nothing of Cocoon;
 * core knows no plugin and not the CLI or monitor; no package cycles.
 */
@AnalyzeClasses(packages = "io.cocoon", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] PLUGINS = {"io.cocoon.hypervisor..", "io.cocoon.network..", "io.cocoon.storage.."};

    @ArchTest
    static final ArchRule pluginsDependOnTheSpiOnly = noClasses().that().resideInAnyPackage(PLUGINS)
            .should().dependOnClassesThat().resideInAnyPackage("io.cocoon.core..", "io.cocoon.cli..", "io.cocoon.monitor..",
                    "io.cocoon.guest..")
            .because("third-party drivers build against io.cocoon.spi alone");

    @ArchTest
    static final ArchRule pluginsDoNotSeeEachOther = slices().matching("io.cocoon.(hypervisor|network|storage).(*)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule spiDependsOnNothingOfCocoon = noClasses().that().resideInAPackage("io.cocoon.spi..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cocoon.core..", "io.cocoon.cli..", "io.cocoon.monitor..",
                    "io.cocoon.guest..", "io.cocoon.hypervisor..", "io.cocoon.network..", "io.cocoon.storage..");

    @ArchTest
    static final ArchRule coreKnowsNoPluginNorCli = noClasses().that().resideInAPackage("io.cocoon.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cocoon.cli..", "io.cocoon.monitor..", "io.cocoon.guest..",
                    "io.cocoon.hypervisor..", "io.cocoon.network..", "io.cocoon.storage..");

    @ArchTest
    static final ArchRule monitorKnowsNoCli = noClasses().that().resideInAPackage("io.cocoon.monitor..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cocoon.cli..", "io.cocoon.hypervisor..",
                    "io.cocoon.network..", "io.cocoon.storage..");

    /**
     * Commands are argument parsing, one call into the container layer, and output: no frames,
     * no TLVs, no transports (core's module-info does not export those packages to the CLI
     * either; this rule also covers the class path, where module boundaries do not hold).
     */
    @ArchTest
    static final ArchRule cliHasNoProtocolCode = noClasses().that().resideInAPackage("io.cocoon.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cocoon.core.agent..", "io.cocoon.core.control..")
            .because("the container layer (io.cocoon.core.container) owns the protocols; commands stay thin");

    /** Only the container layer and the monitor speak to a monitor or an agent. */
    @ArchTest
    static final ArchRule protocolsBelongToTheContainerLayer = noClasses()
            .that().resideOutsideOfPackages("io.cocoon.core.agent..", "io.cocoon.core.control..", "io.cocoon.core.container..",
                    "io.cocoon.monitor..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cocoon.core.control..")
            .because("a typed client (MonitorClient) is the only way to the monitor");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.cocoon.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule fastPathStaysLight = noClasses().that().haveSimpleNameEndingWith("Command")
            .and().haveSimpleNameStartingWith("State").or().haveSimpleNameStartingWith("Start")
            .or().haveSimpleNameStartingWith("Kill").or().haveSimpleNameStartingWith("Delete")
            .or().haveSimpleNameStartingWith("List").or().haveSimpleNameStartingWith("Pause")
            .or().haveSimpleNameStartingWith("Resume").or().haveSimpleNameStartingWith("Version")
            .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..", "java.lang.foreign..", "io.cocoon.monitor..")
            .because("the commands engines call most must not load databind or the native-call layer");
}

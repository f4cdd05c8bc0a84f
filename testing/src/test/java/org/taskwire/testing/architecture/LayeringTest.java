package org.taskwire.testing.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * How the packages may depend on one another: no cycles among the internal ones, the contracts
 * (annotations, spi) on nothing internal, the call model below backends and transports, and the
 * backends reached only through their providers.
 */
class LayeringTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.taskwire");

  @Test
  void internalPackagesHaveNoCycles() {
    slices().matching("org.taskwire.internal.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void theContractsGeneratedCodeAndUsersSeeStandOnNothingInternal() {
    noClasses().that().resideInAnyPackage("org.taskwire.spi..", "org.taskwire.annotations..")
        .should().dependOnClassesThat().resideInAPackage("org.taskwire.internal..").check(CLASSES);
  }

  @Test
  void theCallModelKnowsNoBackendAndNoTransport() {
    noClasses().that().resideInAPackage("org.taskwire.internal.call..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend..",
            "org.taskwire.internal.transport..").check(CLASSES);
  }

  @Test
  void backendsAreReachedOnlyThroughTheirProviders() {
    noClasses().that().resideOutsideOfPackages("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.panda..", "org.taskwire.internal.backend.inprocess..",
            "org.taskwire.internal.backend.slurm..", "org.taskwire.wrapper..", "org.taskwire.testing..", "org.taskwire.benchmarks..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.panda..", "org.taskwire.internal.backend.inprocess..",
            "org.taskwire.internal.backend.slurm..")
        .check(CLASSES);
  }

  @Test
  void theBatchSkeletonKnowsNoBatchSystemInParticular() {
    noClasses().that().resideInAPackage("org.taskwire.internal.backend.batch..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.panda..", "org.taskwire.internal.backend.inprocess..",
            "org.taskwire.internal.backend.slurm..")
        .check(CLASSES);
  }

  @Test
  void thePilotPoolKnowsNoBatchSystemInParticular() {
    noClasses().that().resideInAPackage("org.taskwire.internal.backend.pilot..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.panda..", "org.taskwire.internal.backend.inprocess..",
            "org.taskwire.internal.backend.slurm..", "org.taskwire.internal.backend.batch..")
        .check(CLASSES);
  }

  @Test
  void servingWorkersKnowNoBackendInParticular() {
    noClasses().that().resideInAPackage("org.taskwire.internal.backend.serve..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.panda..", "org.taskwire.internal.backend.inprocess..",
            "org.taskwire.internal.backend.slurm..", "org.taskwire.internal.backend.batch..",
            "org.taskwire.internal.backend.pilot..")
        .check(CLASSES);
  }

  @Test
  void backendsReportCausesAndOnlyTheRunsFailureTableNamesKinds() {
    // WrapperExit is the wrapper's own table of what its exit codes mean, which the failure table reads.
    noClasses().that().resideInAPackage("org.taskwire.internal.backend..")
        .and().doNotHaveFullyQualifiedName("org.taskwire.internal.backend.WrapperExit")
        .should().dependOnClassesThat().haveFullyQualifiedName("org.taskwire.FailureKind").check(CLASSES);
  }

  @Test
  void onlyTheRunTakesBackendReports() {
    classes().that().implement("org.taskwire.internal.backend.ResultSink")
        .should().resideInAPackage("org.taskwire.internal.run..").check(CLASSES);
  }

  @Test
  void workersTheClientStartsAnswerOnTheirOwnChannelWithNoBrokerOrRelay() {
    noClasses().that().resideInAnyPackage("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.pilot..", "org.taskwire.internal.backend.serve..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.transport.stomp..",
            "org.taskwire.internal.transport.http..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.taskwire.internal.backend.ResultTransport")
        .check(CLASSES);
  }

  @Test
  void thePublicRunIsAFacadeOverTheEngine() {
    // The backend, the journal, the codecs and the transports belong to internal.run's engine.
    noClasses().that().resideInAPackage("org.taskwire")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend..",
            "org.taskwire.internal.journal..", "org.taskwire.internal.codec..", "org.taskwire.internal.transport..")
        .check(CLASSES);
  }

  @Test
  void theEngineNeverCallsBackIntoThePublicRun() {
    noClasses().that().resideInAPackage("org.taskwire.internal..")
        .should().dependOnClassesThat().haveFullyQualifiedName("org.taskwire.WorkflowRun")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.taskwire.DependentCalls")
        .check(CLASSES);
  }

  @Test
  void whatAWorkerRunsReachesNoReactiveClientAndNoReflectiveCommandLine() {
    // The wrapper jar leaves Spring, Reactor and Netty out; a job publishes on a plain socket (StompLink)
    // and parses its command line without reflection (Commons CLI, not picocli).
    noClasses().that().resideInAPackage("org.taskwire.wrapper..")
        .should().transitivelyDependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..",
            "io.netty..", "picocli..")
        .check(CLASSES);
  }

  @Test
  void optimisersStandOnTheirOwn() {
    noClasses().that().resideInAPackage("org.taskwire.optimize..")
        .should().dependOnClassesThat().resideInAPackage("org.taskwire.internal..")
        .check(CLASSES);
  }

  @Test
  void theJournalKnowsNoBackendNoTransportAndNoRun() {
    noClasses().that().resideInAPackage("org.taskwire.internal.journal..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend..",
            "org.taskwire.internal.transport..", "org.taskwire.internal.run..")
        .check(CLASSES);
  }

  @Test
  void theCommandLineReachesBackendsOnlyThroughTheirProviders() {
    noClasses().that().resideInAPackage("org.taskwire.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("org.taskwire.internal.backend.local..",
            "org.taskwire.internal.backend.panda..", "org.taskwire.internal.backend.inprocess..",
            "org.taskwire.internal.backend.slurm..", "org.taskwire.internal.backend.batch..",
            "org.taskwire.internal.transport..")
        .check(CLASSES);
  }
}

package org.bbehr.app;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.bbehr.app.sidedoor.SideDoor;
import org.bbehr.core.anchor.AnchoredReads;
import org.bbehr.core.ledger.Ledger;
import org.bbehr.core.record.RecordStore;
import org.bbehr.core.search.RecordSearch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering, stated in code: only the composition root ({@code org.bbehr.app.node}) and the offline command-line
 * tools ({@code org.bbehr.app.cli}) may hold the record store, the search, the ledger or their adapters; everything
 * else reaches records through the door ({@code RecordAccess}). The core imports no framework, no JDBC, no web3j.
 */
class ModuleBoundaryTest {

    static final DescribedPredicate<JavaClass> RECORDS_OR_LEDGER = describe(
            "the record store, the search, the ledger or their adapters",
            type -> type.isAssignableTo(RecordStore.class) || type.isAssignableTo(RecordSearch.class)
                    || type.isAssignableTo(AnchoredReads.class) || type.isAssignableTo(Ledger.class)
                    || type.getPackageName().startsWith("org.bbehr.store.record")
                    || type.getPackageName().startsWith("org.bbehr.ledger"));

    static final ArchRule ONLY_THE_DOOR = noClasses().that().resideInAPackage("org.bbehr.app..")
            .and().resideOutsideOfPackages("org.bbehr.app.node..", "org.bbehr.app.cli..")
            .should().dependOnClassesThat(RECORDS_OR_LEDGER)
            .because("every path to records goes through the one door, RecordAccess (docs/access.md)");

    static final ArchRule CORE_IS_FRAMEWORK_FREE = noClasses().that().resideInAPackage("org.bbehr.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "ca.uhn..", "org.hl7..",
                    "org.web3j..", "java.sql..", "javax.sql..", "org.bbehr.store..", "org.bbehr.ledger..",
                    "org.bbehr.app..")
            .because("the core is the domain: ports and rules, no framework (ARCHITECTURE.md)");

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages("org.bbehr");
    }

    @Test
    void onlyTheCompositionRootAndOfflineToolsShouldHoldTheStoreSearchOrLedger() {
        // given: the node's classes (the app's and, from their class folders in this build, the core's)
        assertThat(main.contain("org.bbehr.app.fhir.FhirRecords")).isTrue();

        // then
        ONLY_THE_DOOR.check(main);
    }

    @Test
    void coreShouldImportNoFramework() {
        CORE_IS_FRAMEWORK_FREE.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.bbehr.core"));
    }

    @Test
    void sideDoorToTheStoreShouldFailTheBoundary() {
        // given: a class outside the composition root that holds the store (a fixture of this test)
        JavaClasses withSideDoor = new ClassFileImporter().importClasses(SideDoor.class);

        // when / then
        assertThatThrownBy(() -> ONLY_THE_DOOR.check(withSideDoor)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("SideDoor");
    }
}

package dev.poplar.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN: the protocol code talks to the MailStore SPI only, never to RocksDB. */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.poplar");

    @Test
    void protocolsNeverTouchRocksDb() {
        noClasses().that().resideInAnyPackage("dev.poplar.pop3..", "dev.poplar.lmtp..", "dev.poplar.net..",
                        "dev.poplar.auth..", "dev.poplar.http..", "dev.poplar.admin..", "dev.poplar.importer..")
                .should().dependOnClassesThat().resideInAnyPackage("org.rocksdb..", "dev.poplar.storage.rocks..")
                .check(classes);
    }

    @Test
    void theStorageSpiDependsOnNoServerCode() {
        noClasses().that().resideInAPackage("dev.poplar.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.poplar.pop3..", "dev.poplar.lmtp..",
                        "dev.poplar.server..", "dev.poplar.http..", "io.helidon..")
                .check(classes);
    }
}

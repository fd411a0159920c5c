package dev.poplar.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN: all code talks to the store SPI only, never to RocksDB; the storage SPI knows no server code. */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.poplar");

    @Test
    void rocksDbTypesStayInsideTheStorageEngine() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.poplar.storage.rocks..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.rocksdb..")
                .check(classes);
    }

    /** Every module (server, cli, admin, http, ...) sees the store through the SPI; one class opens it. */
    @Test
    void onlyTheStoreOpenerNamesTheEngine() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.poplar.storage.rocks..")
                .and()
                .doNotHaveFullyQualifiedName("dev.poplar.server.StoreOpener")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.poplar.storage.rocks..")
                .check(classes);
    }

    @Test
    void theStorageSpiDependsOnNoServerCode() {
        noClasses()
                .that()
                .resideInAPackage("dev.poplar.storage..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.poplar.pop3..",
                        "dev.poplar.lmtp..",
                        "dev.poplar.server..",
                        "dev.poplar.http..",
                        "io.helidon..")
                .check(classes);
    }

    /**
     * A directory answers questions about users; it knows nothing of the protocols that ask them
     * (so LDAP, SQL and the cache are tested without a POP3 or LMTP session).
     */
    @Test
    void directoriesKnowNoProtocol() {
        noClasses()
                .that()
                .resideInAPackage("dev.poplar.directory..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.poplar.pop3..",
                        "dev.poplar.lmtp..",
                        "dev.poplar.server..",
                        "dev.poplar.http..",
                        "dev.poplar.auth")
                .check(classes);
    }
}

package org.bbehr.app.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bbehr.core.BbehrException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files an import sends, in which order, and which it lists as not Bundles. */
class ImportFilesTest {

    @TempDir
    Path dir;

    @Test
    void hospitalsShouldGoFirstThenPractitionersThenTheRestLargestFirst() throws Exception {
        // given
        Path fhir = Files.createDirectories(dir.resolve("output/fhir"));
        Path small = Files.writeString(fhir.resolve("a-small-patient.json"), "{}");
        Path large = Files.writeString(fhir.resolve("b-large-patient.json"), "{\"resourceType\":\"Bundle\"}");
        Path practitioners = Files.writeString(fhir.resolve("practitionerInformation1.json"), "{}");
        Path hospitals = Files.writeString(fhir.resolve("hospitalInformation1.json"), "{}");
        Path xml = Files.writeString(fhir.resolve("c-patient.xml"), "<Bundle/>");
        Path csv = Files.writeString(dir.resolve("output/patients.csv"), "id\n");
        // when
        ImportFiles files = ImportFiles.of(dir);
        // then
        assertThat(files.information()).containsExactly(hospitals, practitioners);
        assertThat(files.bundles()).containsExactly(large, xml, small);
        assertThat(files.notBundles()).containsExactly(csv);
    }

    @Test
    void oneFileShouldBeImportedWhateverItsName() throws Exception {
        // given
        Path file = Files.writeString(dir.resolve("bundle.json"), "{}");
        // when
        ImportFiles files = ImportFiles.of(file);
        // then
        assertThat(files.bundles()).containsExactly(file);
    }

    @Test
    void aFolderWithoutBundlesShouldBeRefused() throws Exception {
        // given
        Files.writeString(dir.resolve("notes.txt"), "nothing");
        // when / then
        assertThatThrownBy(() -> ImportFiles.of(dir)).isInstanceOf(BbehrException.class)
                .hasMessageContaining("no FHIR Bundle files");
    }

    @Test
    void serverReferenceShouldBeTheTypeAndIdOfALocation() {
        // then
        assertThat(BundleSender.serverReference("Observation/abc-1/_history/3")).isEqualTo("Observation/abc-1");
        assertThat(BundleSender.serverReference("http://127.0.0.1:8080/fhir/Patient/p1/_history/1"))
                .isEqualTo("Patient/p1");
        assertThat(BundleSender.serverReference("Patient/p1")).isEqualTo("Patient/p1");
        assertThat(BundleSender.serverReference("nothing")).isNull();
    }
}

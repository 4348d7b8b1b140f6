package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database's directory and files are the running user's alone. */
class EmbeddedDataPermissionsTest {

    @Test
    void theDirectoryOfAnH2FileUrlIsFoundAndOthersAreLeftAlone() {
        assertThat(EmbeddedDataPermissions.directory("jdbc:h2:file:./data/patron;MODE=PostgreSQL")).hasValue(Path.of("./data").toAbsolutePath());
        assertThat(EmbeddedDataPermissions.directory("jdbc:h2:/srv/patron/db;MODE=PostgreSQL")).hasValue(Path.of("/srv/patron"));
        assertThat(EmbeddedDataPermissions.directory("jdbc:h2:mem:patron")).isEmpty();
        assertThat(EmbeddedDataPermissions.directory("jdbc:postgresql://127.0.0.1:5432/patron")).isEmpty();
    }

    @Test
    void theDirectoryAndItsFilesBecomeReadableByTheOwnerOnly(@TempDir Path temp) throws Exception {
        Path dir = temp.resolve("data");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = Files.writeString(dir.resolve("patron.mv.db"), "members");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        EmbeddedDataPermissions.makePrivate(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
    }
}

package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @TempDir
    Path root;

    @Test
    void picksTheNewestVersionUnderUsrLibPostgresql() throws IOException {
        install(root.resolve("usr/lib/postgresql/9.6/bin"));
        install(root.resolve("usr/lib/postgresql/16/bin"));
        install(root.resolve("usr/lib/postgresql/13/bin"));

        PostgresBinaries.Lookup lookup = PostgresBinaries.find(null, null, root);

        assertEquals(root.resolve("usr/lib/postgresql/16/bin").toRealPath(), lookup.found().directory());
    }

    @Test
    void pathComesFirstAndSymbolicLinksLeadToTheRealDirectory() throws IOException {
        Path real = install(root.resolve("usr/lib/postgresql/15/bin"));
        install(root.resolve("usr/lib/postgresql/17/bin"));
        Path linked = Files.createDirectories(root.resolve("usr/local/bin"));
        for (String program : new String[] {"initdb", "pg_ctl", "postgres"}) {
            Files.createSymbolicLink(linked.resolve(program), real.resolve(program));
        }

        PostgresBinaries.Lookup lookup = PostgresBinaries.find(null, "/nonexistent:" + linked, root);

        assertEquals(real.toRealPath(), lookup.found().directory());
    }

    @Test
    void incompleteDirectoriesAreSkippedAndTheSearchIsDescribed() throws IOException {
        Path bin = Files.createDirectories(root.resolve("usr/lib/postgresql/15/bin"));
        executable(bin.resolve("psql"));

        PostgresBinaries.Lookup lookup = PostgresBinaries.find(null, "", root);

        assertFalse(lookup.available());
        SourceResolverTest.assertContains(lookup.detail(), "initdb, pg_ctl, postgres", "on PATH", "usr/lib/postgresql");
    }

    @Test
    void configuredDirectoryWithoutTheProgramsIsReported() throws IOException {
        PostgresBinaries.Lookup lookup = PostgresBinaries.find(root.toString(), null, root);

        assertFalse(lookup.available());
        SourceResolverTest.assertContains(lookup.detail(), "shardingorm.test.pg.bin=" + root, "does not contain");
    }

    private static Path install(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String program : new String[] {"initdb", "pg_ctl", "postgres", "pg_basebackup"}) {
            executable(bin.resolve(program));
        }
        return bin;
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

package io.github.shardingorm.test.internal;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the short-lived JVMs of the multi-JVM and kill -9 tests cheaply. Each such JVM spends
 * most of its life starting (loading Hibernate's and the library's classes), so:
 * <ul>
 *   <li>C1 only ({@code -XX:TieredStopAtLevel=1}), the serial collector, no perf-data file;</li>
 *   <li>class data sharing (AppCDS): the first child of a test run that is started while no archive
 *       exists records the classes it loaded into an archive when it exits normally
 *       ({@code -XX:ArchiveClassesAtExit}); the children started after that map the archive instead of
 *       loading and verifying those classes again (about half a child's start-up CPU time).
 *       A child killed with SIGKILL writes nothing, so the next child started records instead.</li>
 * </ul>
 * The archive needs a class path of jars only, so directory entries of the test JVM's class path
 * (target/test-classes) are copied into jars once per test JVM; every child, recording or not, runs
 * on that same class path. Anything going wrong with the archive (a recording child failing, no
 * way to write the jars) only switches sharing off for the rest of the run: the children then
 * start as plain JVMs, slower but the same. JVM warnings go to stderr, never into the child's
 * stdout that tests read.
 */
public final class ChildJvms {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvms.class);
    private static final Path DIRECTORY = Path.of("target", "child-jvm");

    private static String classPath;
    private static boolean sharing = true;
    private static Path archive;
    private static Process recorder;
    private static Path recording;

    private ChildJvms() {
    }

    /**
     * Starts {@code main} with {@code args} in a new JVM of at most {@code maxHeap} (e.g. {@code "256m"});
     * {@code io} sets the builder's redirects (the default: pipes, as {@link ProcessBuilder}).
     */
    public static Process start(Class<?> main, String maxHeap, List<String> args, UnaryOperator<ProcessBuilder> io) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-Xlog:disable", "-Xlog:all=warning:stderr"));
        synchronized (ChildJvms.class) {
            settleRecording();
            String cp = classPath();
            boolean record = false;
            if (sharing && archive != null) {
                command.addAll(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive.toAbsolutePath()));
            } else if (sharing && recorder == null) {
                recording = DIRECTORY.resolve("classes-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jsa.part");
                command.add("-XX:ArchiveClassesAtExit=" + recording.toAbsolutePath());
                record = true;
            }
            command.addAll(List.of("-cp", cp, main.getName()));
            command.addAll(args);
            Process p = io.apply(new ProcessBuilder(command)).start();
            if (record) {
                recorder = p;
            }
            return p;
        }
    }

    /** A recording child that has exited: its archive becomes the run's, or sharing stops if it failed. */
    private static void settleRecording() {
        if (recorder == null || recorder.isAlive()) {
            return;
        }
        int exit = recorder.exitValue();
        recorder = null;
        try {
            if (exit == 0 && Files.isRegularFile(recording) && Files.size(recording) > 0) {
                Path done = DIRECTORY.resolve(recording.getFileName().toString().replace(".part", ""));
                Files.move(recording, done, StandardCopyOption.ATOMIC_MOVE);
                archive = done;
                LOG.info("child JVMs: class data sharing archive {} ({} KiB)", done, Files.size(done) / 1024);
            } else {
                Files.deleteIfExists(recording);
                if (exit == 0) {
                    sharing = false;
                    LOG.info("child JVMs: the recording child wrote no archive; class data sharing off for this run");
                }
                // killed (exit != 0): nothing recorded, the next child records
            }
        } catch (IOException e) {
            sharing = false;
            LOG.info("child JVMs: class data sharing off for this run: {}", e.toString());
        }
    }

    /** The test JVM's class path with every directory replaced by a jar of its contents (made once). */
    private static String classPath() {
        if (classPath != null) {
            return classPath;
        }
        String original = System.getProperty("java.class.path");
        try {
            Files.createDirectories(DIRECTORY);
            List<String> entries = new ArrayList<>();
            int index = 0;
            for (String entry : original.split(File.pathSeparator)) {
                Path path = Path.of(entry);
                if (Files.isDirectory(path)) {
                    Path jar = DIRECTORY.resolve("dir-" + index++ + "-" + ProcessHandle.current().pid() + ".jar");
                    jar(path, jar);
                    entries.add(jar.toAbsolutePath().toString());
                } else {
                    entries.add(entry);
                }
            }
            classPath = String.join(File.pathSeparator, entries);
        } catch (IOException e) {
            sharing = false;
            classPath = original;
            LOG.info("child JVMs: class data sharing off for this run (cannot jar the class path's directories): {}", e.toString());
        }
        return classPath;
    }

    private static void jar(Path directory, Path jar) throws IOException {
        Path part = jar.resolveSibling(jar.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(part); JarOutputStream zip = new JarOutputStream(out)) {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String name = directory.relativize(file).toString().replace(File.separatorChar, '/');
                    if (!name.equals("META-INF/MANIFEST.MF")) {
                        zip.putNextEntry(new JarEntry(name));
                        Files.copy(file, zip);
                        zip.closeEntry();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        Files.move(part, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

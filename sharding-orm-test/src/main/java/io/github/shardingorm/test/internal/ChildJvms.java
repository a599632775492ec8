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
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the short-lived JVMs of the multi-JVM and kill -9 tests cheaply. Each such JVM spends
 * most of its life starting (loading Hibernate's and the library's classes), so:
 * <ul>
 *   <li>C1 only ({@code -XX:TieredStopAtLevel=1}), the serial collector, no perf-data file;</li>
 *   <li>class data sharing (AppCDS): {@link #recordSharedClasses} runs one warm-up child once per
 *       test JVM (on the caller's scratch databases), which records the classes it loaded into an
 *       archive ({@code -XX:ArchiveClassesAtExit}) when it is stopped with SIGTERM after its ready line;
 *       every child started after that maps the archive instead of loading and verifying those classes
 *       again (about half a child's start-up CPU: 1.2 s of 2.4 s for a Hibernate child on 2 cores).</li>
 * </ul>
 * The archive needs a class path of jars only, so directory entries of the test JVM's class path
 * (target/test-classes) are copied into jars once per test JVM; every child, warm-up or not, runs
 * on that same class path. Anything going wrong with the archive (the warm-up child failing, no
 * way to write the jars) only leaves sharing off for the rest of the run: the children then start
 * as plain JVMs, slower but the same. JVM warnings go to stderr, never into the child's stdout
 * that tests read.
 */
public final class ChildJvms {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvms.class);
    private static final Path DIRECTORY = Path.of("target", "child-jvm");
    private static final Pattern OWNER = Pattern.compile(".*-(\\d+)\\.(jar|jsa|jsa\\.part|log)");

    private static String classPath;
    private static boolean sharing = true;
    private static boolean recorded;
    private static Path archive;

    private ChildJvms() {
    }

    /**
     * Starts {@code main} with {@code args} in a new JVM of at most {@code maxHeap} (e.g. {@code "256m"});
     * {@code io} sets the builder's redirects (the default: pipes, as {@link ProcessBuilder}).
     */
    public static Process start(Class<?> main, String maxHeap, List<String> args, UnaryOperator<ProcessBuilder> io) throws IOException {
        List<String> command = javaCommand(maxHeap);
        synchronized (ChildJvms.class) {
            String cp = classPath();
            if (sharing && archive != null) {
                command.addAll(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive.toAbsolutePath()));
            }
            command.addAll(List.of("-cp", cp, main.getName()));
        }
        command.addAll(args);
        return io.apply(new ProcessBuilder(command)).start();
    }

    /**
     * Once per test JVM: runs {@code main} with {@code args} (which must touch nothing the calling test
     * checks: give it scratch databases) until it prints {@code readyLine} (or ends), stops it with
     * SIGTERM and keeps the classes it loaded as the archive of every later child. Later calls, and
     * calls after a failed recording, do nothing.
     */
    public static synchronized void recordSharedClasses(Class<?> main, String maxHeap, List<String> args, String readyLine) throws Exception {
        if (recorded || !sharing) {
            return;
        }
        recorded = true;
        long began = System.nanoTime();
        String cp = classPath();
        if (!sharing) {
            return;
        }
        Path part = DIRECTORY.resolve("classes-" + ProcessHandle.current().pid() + ".jsa.part");
        Path done = DIRECTORY.resolve("classes-" + ProcessHandle.current().pid() + ".jsa");
        Files.deleteIfExists(part);
        List<String> command = javaCommand(maxHeap);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + part.toAbsolutePath(), "-cp", cp, main.getName()));
        command.addAll(args);
        Path log = DIRECTORY.resolve("warm-up-" + ProcessHandle.current().pid() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && !Files.readString(log).contains(readyLine) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            p.destroy(); // SIGTERM: the JVM exits normally and writes the archive
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("the warm-up child did not exit after SIGTERM");
            }
            if (!Files.isRegularFile(part) || Files.size(part) == 0) {
                throw new IOException("the warm-up child (exit " + p.exitValue() + ") wrote no archive; its output is in " + log);
            }
            Files.move(part, done, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            archive = done;
            LOG.info("child JVMs: class data sharing archive {} ({} KiB) recorded by {} in {} ms", done, Files.size(done) / 1024,
                    main.getSimpleName(), (System.nanoTime() - began) / 1_000_000);
        } catch (IOException e) {
            sharing = false;
            LOG.info("child JVMs: class data sharing off for this run: {}", e.toString());
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(part);
        }
    }

    /** Whether {@link #recordSharedClasses} would still record (not done or tried yet in this test JVM). */
    public static synchronized boolean recordingWanted() {
        return !recorded && sharing;
    }

    private static List<String> javaCommand(String maxHeap) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-Xlog:disable", "-Xlog:all=warning:stderr"));
    }

    /** The test JVM's class path with every directory replaced by a jar of its contents (made once). */
    private static String classPath() {
        if (classPath != null) {
            return classPath;
        }
        String original = System.getProperty("java.class.path");
        try {
            Files.createDirectories(DIRECTORY);
            removeFilesOfEndedRuns();
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

    /** Archives and jars of earlier test JVMs (their names end with {@code -<pid>.<ext>}): about 60 MB a run. */
    private static void removeFilesOfEndedRuns() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            for (Path file : files.toList()) {
                Matcher m = OWNER.matcher(file.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(file);
                }
            }
        }
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

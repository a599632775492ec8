package io.github.shardingorm.internal.config;

import jakarta.persistence.Entity;
import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds the {@code @Entity} classes of packages (and their sub-packages) on the class path, in
 * directories and jars, for the properties form's {@code sharding.entity-packages}. Classes are
 * loaded without initialisation; the result is sorted by name so start-up does not depend on the
 * file system's order.
 */
final class EntityPackages {

    private EntityPackages() {
    }

    static List<Class<?>> scan(String packageName, ClassLoader loader, List<String> problems) {
        String path = packageName.replace('.', '/');
        TreeSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> roots = loader.getResources(path);
            for (URL root : Collections.list(roots)) {
                if ("file".equals(root.getProtocol())) {
                    collect(new File(root.toURI()), packageName, names);
                } else if ("jar".equals(root.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) root.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (JarEntry entry : Collections.list(jar.entries())) {
                            String name = entry.getName();
                            if (name.startsWith(path + "/") && name.endsWith(".class") && !name.contains("$")) {
                                names.add(name.substring(0, name.length() - 6).replace('/', '.'));
                            }
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            problems.add("sharding.entity-packages: package " + packageName + " cannot be scanned (" + e + ")");
        }
        List<Class<?>> entities = new ArrayList<>();
        for (String name : names) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                if (type.isAnnotationPresent(Entity.class)) {
                    entities.add(type);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add("sharding.entity-packages: class " + name + " cannot be loaded (" + e + ")");
            }
        }
        if (entities.isEmpty() && problems.stream().noneMatch(p -> p.contains(packageName))) {
            problems.add("sharding.entity-packages: no @Entity class found in package " + packageName);
        }
        return entities;
    }

    private static void collect(File dir, String packageName, TreeSet<String> names) {
        File[] files = dir.listFiles();
        if (files == null) {
            return;
        }
        for (File f : files) {
            if (f.isDirectory()) {
                collect(f, packageName + "." + f.getName(), names);
            } else if (f.getName().endsWith(".class") && !f.getName().contains("$")) {
                names.add(packageName + "." + f.getName().substring(0, f.getName().length() - 6));
            }
        }
    }
}

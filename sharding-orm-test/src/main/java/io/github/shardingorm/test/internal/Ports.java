package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1, never the same one twice in a JVM. */
final class Ports {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    static synchronized int next() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new PostgresTestException("cannot find a free TCP port on 127.0.0.1", e);
            }
        }
        throw new PostgresTestException("cannot find a free TCP port on 127.0.0.1 not already used by this JVM after 50 attempts");
    }
}

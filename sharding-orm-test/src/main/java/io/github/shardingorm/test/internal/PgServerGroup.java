package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresTestException;
import java.util.Iterator;
import java.util.List;

/** The servers started together by {@link PrivateServers#start}. */
final class PgServerGroup implements PostgresServerGroup {

    private final List<PostgresServer> servers;

    PgServerGroup(List<? extends PostgresServer> servers) {
        this.servers = List.copyOf(servers);
    }

    @Override
    public List<PostgresServer> servers() {
        return servers;
    }

    @Override
    public PostgresServer get(int index) {
        return servers.get(index);
    }

    @Override
    public int size() {
        return servers.size();
    }

    @Override
    public Iterator<PostgresServer> iterator() {
        return servers.iterator();
    }

    @Override
    public void close() {
        PostgresTestException failure = null;
        for (int i = servers.size() - 1; i >= 0; i--) {
            try {
                servers.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new PostgresTestException("could not close every private PostgreSQL server: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "PostgresServerGroup" + servers;
    }
}

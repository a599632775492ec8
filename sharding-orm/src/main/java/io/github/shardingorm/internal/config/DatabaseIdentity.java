package io.github.shardingorm.internal.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which database a PostgreSQL JDBC URL names: the host's addresses after resolution, the port
 * (default 5432) and the database name; URL parameters are ignored. Two shards with overlapping
 * addresses, the same port and the same database are the same database
 * ({@code localhost} and {@code 127.0.0.1}, or a trailing {@code ?}), a start-up error. URLs of other
 * drivers compare as written, without parameters.
 *
 * @param addresses the resolved addresses (the host name itself when it does not resolve)
 * @param port      the port
 * @param database  the database name
 */
public record DatabaseIdentity(Set<String> addresses, int port, String database) {

    private static final Pattern POSTGRES = Pattern.compile("(?i)jdbc:postgresql://([^/?]*)/?([^?;]*).*");

    /** The identity of {@code url}; null when it cannot be read (then only equal URLs compare). */
    public static DatabaseIdentity of(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = POSTGRES.matcher(url.strip());
        if (!m.matches()) {
            int q = url.indexOf('?');
            return new DatabaseIdentity(Set.of(q < 0 ? url : url.substring(0, q)), 0, "");
        }
        String hostPort = m.group(1);
        if (hostPort.contains(",")) {
            hostPort = hostPort.substring(0, hostPort.indexOf(',')); // the first of several hosts
        }
        String host = hostPort;
        int port = 5432;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && !hostPort.endsWith("]") && hostPort.indexOf(':') == colon) {
            host = hostPort.substring(0, colon);
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        host = host.replace("[", "").replace("]", "");
        Set<String> addresses = new TreeSet<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                addresses.add(a.getHostAddress());
            }
        } catch (UnknownHostException e) {
            addresses.add(host.toLowerCase(Locale.ROOT));
        }
        return new DatabaseIdentity(addresses, port, m.group(2));
    }

    /** Whether both name the same database: same port and database, an address in common. */
    public boolean sameAs(DatabaseIdentity other) {
        return other != null && port == other.port && database.equals(other.database)
                && addresses.stream().anyMatch(other.addresses::contains);
    }

    @Override
    public String toString() {
        return "database '" + database + "' on port " + port + " of " + addresses;
    }
}

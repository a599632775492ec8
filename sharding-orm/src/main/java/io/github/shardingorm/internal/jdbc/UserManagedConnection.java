package io.github.shardingorm.internal.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection from a user's own DataSource, as the rest of the library expects it (auto-commit off,
 * as sharding-orm's own pools hand them out), given back as it came: auto-commit and read-only are
 * restored on {@code close()}, before the user's pool sees the connection again. Rolls back first
 * when a transaction was left open (a connection must not return to a foreign pool mid-transaction).
 */
final class UserManagedConnection implements InvocationHandler {

    private final Connection target;
    private final boolean autoCommit;
    private final boolean readOnly;

    private UserManagedConnection(Connection target) throws SQLException {
        this.target = target;
        this.autoCommit = target.getAutoCommit();
        this.readOnly = target.isReadOnly();
    }

    static Connection wrap(Connection connection) throws SQLException {
        try {
            UserManagedConnection handler = new UserManagedConnection(connection);
            if (handler.autoCommit) {
                connection.setAutoCommit(false);
            }
            return (Connection) Proxy.newProxyInstance(UserManagedConnection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, handler);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("close") && method.getParameterCount() == 0) {
            restoreAndClose();
            return null;
        }
        if (method.getName().equals("unwrap") && args != null && args[0] instanceof Class<?> c && c.isInstance(target)) {
            return target;
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void restoreAndClose() throws SQLException {
        try {
            if (!target.isClosed()) {
                if (!target.getAutoCommit() && autoCommit) {
                    target.rollback(); // nothing pending after a commit; a forgotten transaction is not committed by the next line
                    target.setAutoCommit(true);
                }
                if (target.isReadOnly() != readOnly) {
                    target.setReadOnly(readOnly);
                }
            }
        } finally {
            target.close();
        }
    }
}

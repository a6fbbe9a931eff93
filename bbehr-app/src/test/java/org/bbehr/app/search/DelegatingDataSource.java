package org.bbehr.app.search;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose connections and statements are those of another, except that the warnings (PostgreSQL's
 * notices) each statement received are handed to {@link #noticed} right before the statement is closed.
 */
abstract class DelegatingDataSource implements DataSource {

    private final DataSource target;

    DelegatingDataSource(DataSource target) {
        this.target = target;
    }

    /** A notice that a statement received. */
    protected abstract void noticed(String message);

    @Override
    public Connection getConnection() throws SQLException {
        return proxy(Connection.class, target.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return proxy(Connection.class, target.getConnection(user, password));
    }

    private <T> T proxy(Class<T> type, Object delegate) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (delegate instanceof Statement statement && method.getName().equals("close")) {
                for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                    noticed(w.getMessage());
                }
            }
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> returned = method.getReturnType();
            return Statement.class.isAssignableFrom(returned) && returned.isInterface() && result != null
                    ? proxy(returned, result) : result;
        };
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}

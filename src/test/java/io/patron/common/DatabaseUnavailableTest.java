package io.patron.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are the database being out of reach (a 503) and which are not (a bug or a conflict): seen in the fault runs. */
class DatabaseUnavailableTest {

    @Test
    void theShapesAnOutageTakesAreRecognisedAndOthersAreNot() {
        SQLException evicted = new SQLException("Connection is closed");
        SQLException terminated = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
        assertThat(DatabaseUnavailable.cause(new UncategorizedSQLException("insert", "INSERT …", evicted))).as("the pool evicted the connection").isTrue();
        assertThat(DatabaseUnavailable.cause(terminated)).as("the server ended the session").isTrue();
        assertThat(DatabaseUnavailable.cause(new SQLException("refused", "08001"))).as("no connection at all").isTrue();
        TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed", evicted);
        rollbackFailed.initApplicationException(new UncategorizedSQLException("insert", "INSERT …", evicted));
        assertThat(DatabaseUnavailable.cause(rollbackFailed)).as("a rollback that failed with the connection").isTrue();
        assertThat(DatabaseUnavailable.cause(new InternalAuthenticationServiceException("lookup", new UncategorizedSQLException("s", "SELECT", evicted))))
                .as("credentials that could not be checked").isTrue();
        assertThat(DatabaseUnavailable.cause(new DataIntegrityViolationException("duplicate key"))).isFalse();
        assertThat(DatabaseUnavailable.cause(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(DatabaseUnavailable.cause(new IllegalStateException("a bug"))).isFalse();
    }
}

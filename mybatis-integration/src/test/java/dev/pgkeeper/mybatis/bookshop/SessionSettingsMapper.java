package dev.pgkeeper.mybatis.bookshop;

import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Select;

/** An annotation mapper next to the XML ones: settings of the running transaction. */
public interface SessionSettingsMapper {
    /** {@code SET LOCAL statement_timeout}: for the rest of the transaction only. */
    @Select("SELECT set_config('statement_timeout', #{timeout}, true)")
    @Options(flushCache = Options.FlushCachePolicy.TRUE)
    String statementTimeoutForThisTransaction(String timeout);

    @Select("SELECT pg_backend_pid()")
    @Options(flushCache = Options.FlushCachePolicy.TRUE)
    int backendPid();
}

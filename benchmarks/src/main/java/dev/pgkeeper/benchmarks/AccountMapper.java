package dev.pgkeeper.benchmarks;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** The statements pgbench's own scripts run, as one MyBatis mapper shared by every MyBatis contender. */
public interface AccountMapper {

    /** pgbench {@code -S}: {@code SELECT abalance FROM pgbench_accounts WHERE aid = :aid}. */
    @Select("SELECT abalance FROM pgbench_accounts WHERE aid = #{aid}")
    Integer balance(int aid);

    /** One row of pgbench's history table. */
    @Insert("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime)"
            + " VALUES (#{tid}, #{bid}, #{aid}, #{delta}, CURRENT_TIMESTAMP)")
    int addHistory(@Param("tid") int tid, @Param("bid") int bid, @Param("aid") int aid, @Param("delta") int delta);
}

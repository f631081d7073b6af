package dev.pgkeeper.mybatis.ha;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** The two statements of {@link FailoverFiguresIT}'s pgkeeper client: a write with a unique key and a small read. */
public interface HaMapper {

    /** One autocommit write; {@code (client, run, writer, seq)} is unique, so it can be looked up afterwards. */
    @Insert("INSERT INTO ha_write (client, run, writer, seq) VALUES ('pgkeeper', #{run}, #{writer}, #{seq})")
    int insert(@Param("run") int run, @Param("writer") int writer, @Param("seq") long seq);

    /** A read by primary key; returns the port of the server that answered, to tell a standby from the primary. */
    @Select("SELECT inet_server_port() FROM ha_read WHERE id = #{id}")
    Integer read(@Param("id") int id);
}

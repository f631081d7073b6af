package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.ibatis.cursor.Cursor;

/** The append-only event log. */
public final class EventLog extends BaseRepository<EventMapper> {

    public EventLog(MyBatisClient client) {
        super(client, EventMapper.class);
    }

    public long record(String kind, String payload) {
        Event event = new Event();
        event.setKind(kind);
        event.setPayload(payload);
        mapper().insert(event);
        return event.getId();
    }

    /** Appends {@code count} generated events in one statement, each payload {@code 32 * md5Repeats} characters. */
    public void generate(int count, int md5Repeats) {
        mapper().generate(count, md5Repeats);
    }

    /**
     * Hands every event, in id order, to {@code action}, streaming them from a cursor in a transaction of
     * their own (or the caller's): memory does not grow with the log.
     *
     * @return how many events were read
     */
    public long forEach(Consumer<? super Event> action) {
        return client().inTransaction(() -> {
            long read = 0;
            try (Cursor<Event> cursor = mapper().streamAll()) {
                for (Event event : cursor) {
                    action.accept(event);
                    read++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return read;
        });
    }

    public List<Event> all() {
        return mapper().listAll();
    }

    public long count() {
        return mapper().count();
    }
}

package dev.pgkeeper.mybatis.bookshop;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.ibatis.cursor.Cursor;

/**
 * The process {@link BookshopCursorIT} starts with a small heap: reads every event of the database named by
 * {@value #URL_VARIABLE} the way {@code args[0]} says and prints one {@code FIGURES} line (rows, order, rate,
 * heap), or {@code OUT_OF_MEMORY} and exits with {@value #OUT_OF_MEMORY} when the heap was too small.
 *
 * <ul>
 *   <li>{@code cursor}: {@code EventMapper.streamAll()}, a {@code Cursor} in a transaction</li>
 *   <li>{@code list}: {@code EventMapper.listAll()}, a {@code List}, in a transaction too</li>
 *   <li>{@code handler}: {@code EventMapper.scanAll(ResultHandler)} (the statement sets fetchSize) in a transaction</li>
 *   <li>{@code handler-without-fetch-size}: the same without a fetch size</li>
 * </ul>
 */
public final class EventStreamChild {

    /** The environment variable holding the database URL (libpq form). */
    public static final String URL_VARIABLE = "BOOKSHOP_DATABASE_URL";
    public static final int OUT_OF_MEMORY = 3;

    private EventStreamChild() {
    }

    /** Checks and counts the rows as they come. */
    private static final class Reader {
        long rows;
        long payloadChars;
        boolean inOrder = true;

        void accept(Event event) {
            rows++;
            inOrder &= event.getId() == rows;
            payloadChars += event.getPayload().length();
        }
    }

    /**
     * Initializes a class the clean-up after an {@link OutOfMemoryError} needs (the rollback's exception): were its
     * first initialization to happen while the heap is exhausted, it would fail, and the clean-up would throw
     * {@link NoClassDefFoundError} in place of the error this child reports. A CI run saw that once.
     */
    private static void initializeBeforeTheHeapRunsOut(String className) {
        try {
            Class.forName(className, true, EventStreamChild.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the class path", e);
        }
    }

    public static void main(String[] args) {
        String mode = args[0];
        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder()
                .url(System.getenv(URL_VARIABLE)).poolSize(2).build());
        if (!manager.initializeConnection().success()) {
            System.out.println("NOT_CONNECTED");
            System.exit(2);
        }
        MyBatisClient client = Bookshop.builder(manager).build();
        EventMapper events = client.mapper(EventMapper.class);
        initializeBeforeTheHeapRunsOut("org.postgresql.util.PSQLException");
        AtomicLong maxLiveAfterGc = watchGarbageCollections();
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long baseline = heapUsed();
        Reader reader = new Reader();
        long start = System.nanoTime();
        try {
            switch (mode) {
                case "cursor" -> client.useTransaction(() -> {
                    try (Cursor<Event> cursor = events.streamAll()) {
                        cursor.forEach(reader::accept);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                case "list" -> client.useTransaction(() -> events.listAll().forEach(reader::accept));
                case "handler" -> client.useTransaction(() -> events.scanAll(c -> reader.accept(c.getResultObject())));
                case "handler-without-fetch-size" -> client.useTransaction(
                        () -> events.scanAllWithoutFetchSize(c -> reader.accept(c.getResultObject())));
                default -> throw new IllegalArgumentException("mode " + mode);
            }
        } catch (OutOfMemoryError e) {
            System.out.println("OUT_OF_MEMORY mode=" + mode + " after " + reader.rows + " rows: " + e);
            System.exit(OUT_OF_MEMORY);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        System.out.println(String.format(Locale.ROOT, "FIGURES mode=%s rows=%d inOrder=%s payloadMb=%.1f seconds=%.2f "
                        + "rowsPerSecond=%.0f maxHeapMb=%.0f baselineMb=%.1f peakHeapUsedMb=%.1f maxLiveAfterGcMb=%.1f gcs=%d",
                mode, reader.rows, reader.inOrder, reader.payloadChars / 1e6, seconds, reader.rows / seconds,
                Runtime.getRuntime().maxMemory() / 1048576.0, baseline / 1048576.0, peak / 1048576.0,
                maxLiveAfterGc.get() / 1048576.0, gcs));
        manager.disconnect();
        System.exit(0);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The largest heap occupancy right after a collection (heap pools only): what was still reachable, the live set. */
    private static AtomicLong watchGarbageCollections() {
        AtomicLong max = new AtomicLong();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed()).sum();
                    max.accumulateAndGet(after, Math::max);
                }
            }, null, null);
        }
        return max;
    }
}

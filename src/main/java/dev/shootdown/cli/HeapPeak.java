package dev.shootdown.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Approximately the most heap a piece of work used, from the JVM's own accounts (the garbage
 * collectors' notifications, {@code com.sun.management.GarbageCollectionNotificationInfo}).
 * Between two collections the heap only fills, so its peaks are just before a collection or at the
 * end: {@link Measure#peakBytes} is the largest of the heap's use (the sum of its pools) before each
 * collection during the work and at its end. That counts garbage not yet collected, so it depends on
 * the heap's size and the collector; {@link Measure#liveBytes}, the most that survived a collection,
 * is closer to what the work kept, but is only seen when a collection happens. A full collection
 * before the work ({@link #start}) gives the baseline and keeps an earlier run's leftovers out.
 */
final class HeapPeak implements AutoCloseable {
    /**
     * @param baselineBytes the heap in use before the work, after a full collection
     * @param peakBytes     the most the heap held during the work, garbage included
     * @param liveBytes     the most that survived a collection during the work, or -1 when none ran
     */
    record Measure(long baselineBytes, long peakBytes, long liveBytes) {}

    private final Set<String> heapPools;
    private final long baseline;
    /** Per collector, the id of its last collection before the work: notifications of those are late news. */
    private final Map<String, Long> before = new HashMap<>();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong live = new AtomicLong(-1);
    private final NotificationListener listener = this::collected;

    private HeapPeak() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        System.gc();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            before.put(gc.getName(), lastId(gc));
        }
        baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        peak.set(baseline);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
            }
        }
    }

    /** Collects the garbage there is, then watches the heap until {@link #stop}. */
    static HeapPeak start() {
        return new HeapPeak();
    }

    /** Stops watching; what the heap held at its fullest since {@link #start}. */
    Measure stop() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        // Notifications come on a thread of their own: the last collection of each collector may not have arrived yet.
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean g) {
                record(gc.getName(), g.getLastGcInfo());
            }
        }
        close();
        // What survived a collection was in the heap before it too (the collectors' accounts of a pool can lag).
        peak.accumulateAndGet(Math.max(now, live.get()), Math::max);
        return new Measure(baseline, peak.get(), live.get());
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                try {
                    e.removeNotificationListener(listener);
                } catch (ListenerNotFoundException ignored) {
                    // Already removed by stop.
                }
            }
        }
    }

    private void collected(Notification n, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            record(info.getGcName(), info.getGcInfo());
        }
    }

    private void record(String collector, GcInfo gc) {
        if (gc == null || gc.getId() <= before.getOrDefault(collector, -1L)) {
            return;
        }
        peak.accumulateAndGet(heap(gc.getMemoryUsageBeforeGc()), Math::max);
        live.accumulateAndGet(heap(gc.getMemoryUsageAfterGc()), Math::max);
    }

    private long heap(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used;
    }

    private static long lastId(GarbageCollectorMXBean gc) {
        if (gc instanceof com.sun.management.GarbageCollectorMXBean g && g.getLastGcInfo() != null) {
            return g.getLastGcInfo().getId();
        }
        return -1;
    }

    /** The collectors' names, for the report: the figures depend on which ran. */
    static List<String> collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList();
    }
}

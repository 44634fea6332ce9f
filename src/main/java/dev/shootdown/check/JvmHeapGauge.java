package dev.shootdown.check;

import com.sun.management.GarbageCollectionNotificationInfo;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JVM's own account of its heap: after each collection, the collectors' notifications give what
 * each heap pool holds ({@link GarbageCollectionNotificationInfo}), delivered on a thread of the
 * JVM's; on demand, a full collection ({@link System#gc}) and the heap in use right after it.
 */
final class JvmHeapGauge implements HeapGauge {
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::collected;
    private final Set<String> heapPools;
    private volatile long published;
    private volatile long other;

    JvmHeapGauge() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    @Override
    public void publish(long tablesBytes) {
        published = tablesBytes;
    }

    @Override
    public long other() {
        return other;
    }

    @Override
    public long collect(long tablesBytes) {
        published = tablesBytes;
        System.gc();
        other = Math.max(0, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - tablesBytes);
        return other;
    }

    private void collected(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        other = Math.max(0, used - published);
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // Already gone: nothing to remove.
            }
        }
        emitters.clear();
    }
}

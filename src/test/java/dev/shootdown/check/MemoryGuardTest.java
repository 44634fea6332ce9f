package dev.shootdown.check;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard's decisions, on tables and a heap gauge whose figures the test sets: a budget of 1,000 bytes. */
class MemoryGuardTest {
    /**
     * 1 GiB, of which the guard may use a millionth and a bit: 1,000 bytes, with a queue block of 72 (3 records of 5 words
     * that escape their short fields, 170 bits each: 8 longs, and the one more every block has).
     */
    private static final long HEAP = 1L << 30;
    private static final double FRACTION = 1000.0 / HEAP;
    private static final int SIZE = 5;

    @TempDir
    Path dir;

    /** A table of {@code bytes} that wants {@code growth} more on its next growth, for any number of adds. */
    static final class Table implements GrowingTable {
        long bytes;
        long growth;
        int grown;
        boolean offHeap;

        Table(long bytes, long growth) {
            this.bytes = bytes;
            this.growth = growth;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public long bytesToGrow(int adds) {
            return growth;
        }

        @Override
        public void grow(int adds) {
            bytes += growth;
            growth = 0;
            grown++;
        }

        @Override
        public boolean offHeap() {
            return offHeap;
        }
    }

    /** A heap that holds {@code other} bytes beyond the tables, of which a collection leaves {@code live}. */
    static final class Gauge implements HeapGauge {
        long other;
        long live;
        int collections;

        @Override
        public void publish(long tablesBytes) {
        }

        @Override
        public long other() {
            return other;
        }

        @Override
        public long collect(long tablesBytes) {
            collections++;
            other = live;
            return live;
        }

        @Override
        public void close() {
        }
    }

    private StateQueue queue(Path spillDir) {
        return new StateQueue(StateQueueTest.packer(SIZE), spillDir, 3, Integer.MAX_VALUE);
    }

    @Test
    @DisplayName("nothing to grow: yes, without looking at the heap")
    void nothingToGrow() {
        Gauge gauge = new Gauge();
        gauge.other = 10 * HEAP;
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            q.grow(1);
            guard.watch(new Table(900, 0));
            assertThat(guard.roomFor(1)).isTrue();
            assertThat(gauge.collections).isZero();
        }
    }

    @Test
    @DisplayName("a growth that fits is made; one that does not stops the search with the heap's size in the reason")
    void tablesGrowWithinTheBudgetOnly() {
        Gauge gauge = new Gauge();
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            q.grow(1);
            Table t = new Table(300, 600);
            guard.watch(t);
            assertThat(guard.roomFor(1)).isTrue();
            assertThat(t.grown).isOne();
            assertThat(t.bytes).isEqualTo(900);

            t.growth = 200;
            assertThat(guard.roomFor(1)).isFalse();
            assertThat(t.grown).as("the refused growth is not made").isOne();
            assertThat(guard.refusal()).isEqualTo("memory limit (1024 MiB heap)");
        }
    }

    @Test
    @DisplayName("a table off the heap grows within its own budget, and its bytes leave the heap's budget to the others")
    void tablesOffTheHeapHaveTheirOwnBudget() {
        Gauge gauge = new Gauge();
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            q.grow(1);
            Table off = new Table(4000, 8000);
            off.offHeap = true;
            Table on = new Table(300, 600);
            guard.offHeapBudget(12_000);
            guard.watch(off, on);
            assertThat(guard.roomFor(1)).as("4,000 + 8,000 off the heap; 900 on it").isTrue();
            assertThat(off.grown).isOne();
            assertThat(on.grown).isOne();

            off.growth = 1;
            assertThat(guard.roomFor(1)).isFalse();
            assertThat(off.grown).as("the refused growth is not made").isOne();
            assertThat(guard.refusal()).isEqualTo("memory limit (the visited set off the heap would pass 0 MiB)");
        }
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource({
            "5000, 50, true, a heap full of garbage is collected and measured again before a table is refused",
            "400, 400, false, live data beyond the tables counts: a growth that fits their own count but not the heap is refused"})
    void theHeapBeyondTheTablesIsMeasuredAfterACollection(long other, long live, boolean grows, String title) {
        Gauge gauge = new Gauge();
        gauge.other = other;
        gauge.live = live;
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            q.grow(1);
            Table t = new Table(300, 500);
            guard.watch(t);
            assertThat(guard.roomFor(1)).isEqualTo(grows);
            assertThat(gauge.collections).isPositive();
            assertThat(t.grown).isEqualTo(grows ? 1 : 0);
        }
    }

    @Test
    @DisplayName("the frontier goes to disk to make room for a table, which then grows")
    void theFrontierMakesRoomForTheTables() {
        Gauge gauge = new Gauge();
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            Table t = new Table(100, 0);
            guard.watch(t);
            for (int i = 0; i < 24; i++) {
                assertThat(guard.roomFor(1)).isTrue();
                StateQueueTest.push(q, i, 0, new int[] {-1, -1, -1, -1, -1});
            }
            assertThat(q.blockBytes()).isEqualTo(72);
            assertThat(q.spilled()).as("8 blocks of 72 bytes fit beside the table and its next doubling").isZero();
            assertThat(q.bytes()).isGreaterThan(500);
            t.growth = 500;
            assertThat(guard.roomFor(1)).isTrue();
            assertThat(t.grown).isOne();
            assertThat(q.spilled()).isPositive();
            assertThat(q.bytes() + t.bytes).isLessThanOrEqualTo(1000);
            int[] out = new int[SIZE];
            for (int i = 0; i < 24; i++) {
                assertThat((int) (q.pop(out) >>> 32)).isEqualTo(i);
            }
        }
    }

    @Test
    @DisplayName("a frontier block that does not fit is not allocated: the newest block goes to disk and its array is used again")
    void aBlockThatDoesNotFitSpills() {
        Gauge gauge = new Gauge();
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            guard.watch(new Table(300, 0));
            for (int i = 0; i < 300; i++) {
                assertThat(guard.roomFor(1)).isTrue();
                StateQueueTest.push(q, i, 0, new int[] {-1, -1, -1, -1, -1});
            }
            assertThat(q.bytes()).as("the block being read and the block being written").isLessThanOrEqualTo(2 * q.blockBytes());
            assertThat(q.spilled()).isGreaterThan(250);
        }
    }

    @Test
    @DisplayName("a frontier that cannot be written to disk stops the search, and says why")
    void aSpillFailureStopsTheSearch() {
        Gauge gauge = new Gauge();
        try (StateQueue q = queue(dir.resolve("missing")); MemoryGuard guard = new MemoryGuard(HEAP, FRACTION, q, gauge)) {
            guard.watch(new Table(300, 0));
            boolean room = true;
            for (int i = 0; i < 300 && room; i++) {
                room = guard.roomFor(1);
                StateQueueTest.push(q, i, 0, new int[] {-1, -1, -1, -1, -1});
            }
            assertThat(room).isFalse();
            assertThat(guard.refusal()).startsWith("memory limit (1024 MiB heap); the frontier could not be written to disk: ");
        }
    }

    @Test
    @DisplayName("a table as large as a Java array can be is refused whatever the heap")
    void aTableThatCannotGrowStops() {
        try (StateQueue q = queue(dir); MemoryGuard guard = new MemoryGuard(HEAP, 0.9, q, new Gauge())) {
            q.grow(1);
            guard.watch(new Table(300, GrowingTable.CANNOT_GROW));
            assertThat(guard.roomFor(1)).isFalse();
            assertThat(guard.refusal()).contains("as large as a Java array can be");
        }
    }
}

package dev.shootdown.sim;

import dev.shootdown.model.Layout;
import org.HdrHistogram.Histogram;

import static dev.shootdown.sim.CpuRecords.AWAITING_OBSERVE;
import static dev.shootdown.sim.CpuRecords.CB;
import static dev.shootdown.sim.CpuRecords.CI;
import static dev.shootdown.sim.CpuRecords.CL;
import static dev.shootdown.sim.CpuRecords.OUTSTANDING;
import static dev.shootdown.sim.CpuRecords.SPAN_OPEN;
import static dev.shootdown.sim.CpuRecords.SPAN_START;

/**
 * Shootdowns as the metrics see them: a span opens at an initiator's first IPI sent or broadcast
 * issued and closes at the last ack or completion (shootdown_latency_us); the initiator's call ends
 * at the end of the wait that saw it complete (shootdown_call_us).
 */
final class ShootdownSpans {
    private final int[] s;
    private final int cpuBase;
    private final int stride;
    private final long[] cl;
    private final int[] ci;
    private final boolean[] cb;
    final Histogram latency = new Histogram(3);
    final Histogram callLatency = new Histogram(3);
    long shootdowns;

    ShootdownSpans(int[] s, Layout layout, CpuRecords records) {
        this.s = s;
        this.cpuBase = layout.cpuBase;
        this.stride = layout.stride;
        this.cl = records.cl;
        this.ci = records.ci;
        this.cb = records.cb;
    }

    /** CPU {@code c} sends an IPI or issues a broadcast at {@code t}: a shootdown starts, unless one is open or it is in a handler. */
    void open(int c, long t) {
        if (cb[c * CB + SPAN_OPEN] || (s[cpuBase + c * stride + Layout.FLAGS] & Layout.IN_HANDLER) != 0) {
            return;
        }
        cb[c * CB + SPAN_OPEN] = true;
        cl[c * CL + SPAN_START] = t;
        cb[c * CB + AWAITING_OBSERVE] = true;
        shootdowns++;
    }

    /** An ack or a broadcast's completion reached {@code c} at {@code t}: its shootdown ends if nothing is outstanding. */
    void closeIfComplete(int c, long t) {
        if (cb[c * CB + SPAN_OPEN] && complete(c)) {
            cb[c * CB + SPAN_OPEN] = false;
            latency.recordValue(Math.max(0, t - cl[c * CL + SPAN_START]));
        }
    }

    private boolean complete(int c) {
        return s[cpuBase + c * stride + Layout.ACK_WAIT] == 0 && ci[c * CI + OUTSTANDING] == 0;
    }

    /** A step of {@code c}'s program (not a handler) that waited ends at {@code next}: the call that awaited completion returns. */
    void observed(int c, long next) {
        if (cb[c * CB + AWAITING_OBSERVE] && !cb[c * CB + SPAN_OPEN]) {
            cb[c * CB + AWAITING_OBSERVE] = false;
            callLatency.recordValue(next - cl[c * CL + SPAN_START]);
        }
    }
}

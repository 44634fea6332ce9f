package dev.shootdown.sim;

import dev.shootdown.lang.UserError;
import dev.shootdown.model.Event;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The hardware cost profiles, by name: one place to add one. Every value cites where it comes
 * from; values marked ESTIMATE are our reading of the order of magnitude where no published
 * figure for that machine was found, and are the first thing to replace with a measurement.
 * Only costs live here: no latency, IPI count or throughput of any workload. Any other name is
 * read as the path of a {@link ProfileFile}: a built-in with a user's measured values in place.
 *
 * <p>Sources cited below:
 * [MOLNAR15] Ingo Molnar, linux-mm, June 2015, Message-ID 20150608195237.GA15429@gmail.com:
 *   INVLPG 260, CR3 reload 96, ranged flush 404 cycles (Skylake-era x86).
 * [ANANDTECH19] AnandTech, "AMD Rome Second Generation EPYC Review", memory subsystem: L1 4, L2 12-14
 *   cycles (incl. Xeon 8280, a Cascade Lake/Skylake-SP core).
 * [MCCALPIN16] John McCalpin, Intel forums, "Core-to-Core Communication Latency in Skylake/Kaby Lake":
 *   L2-to-L2 modified intervention on one socket 40.3-42.3 ns (Broadwell-EP); latency grows with core count.
 * [AMIT20] N. Amit, A. Tai, M. Wei, "Don't shoot down TLB shootdowns!", EuroSys 2020: the remote
 *   acknowledgement of a shootdown IPI takes at least ~1000 cycles.
 * [LUNDELL01] Jonathan Lundell, LKML 2001-10-08, "A note on APIC bus latency": pre-Pentium 4 CPUs send
 *   APIC messages over a serial bus at 16.7 MHz; an interrupt plus EOI exchange takes 35-48 bus clocks.
 *   The P6 short (interrupt) message is 21 of those clocks and the EOI message 14, which is where the 35 comes from.
 * [PENTIUMREF] Intel Pentium instruction set reference, INVLPG: 25 clocks.
 * [AMD64OPT] AMD64 optimization guide via zwillow.blogspot.com (2006): INVLPG 80 cycles in 64-bit mode (K8).
 * [ANANDTECH21] AnandTech, "AMD 3rd Gen EPYC Milan Review", core-to-core latency: about 20 ns inside a CCX,
 *   about 80-110 ns between CCXs of one socket, about 190 ns across sockets (read off their chart).
 * [AGNER] Agner Fog, instruction tables: LOCK-prefixed RMW about 18-20 cycles, MFENCE about 33 (Skylake).
 * [VANRIEL24] Rik van Riel, "[RFC PATCH v2 00/11] AMD broadcast TLB invalidation", LKML 2024-12-22.
 * [DOWNS19] Travis Downs, "Random Writes and Microcode, Oh My!", 2019-03-19: stores to lines already in L1
 *   commit from the store buffer at one per cycle on recent Intel cores; stores that miss take longer.
 */
public final class Profiles {
    private static final Map<String, Supplier<Profile>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("skylake", Profiles::skylake);
        REGISTRY.put("p3", Profiles::pentium3);
        REGISTRY.put("milan", Profiles::milan);
        REGISTRY.put("arm64", Profiles::arm64);
    }

    private Profiles() {}

    public static Map<String, Supplier<Profile>> all() {
        return REGISTRY;
    }

    /**
     * A profile and where it came from: {@code base} is the built-in it starts from (its own name for
     * a built-in), {@code text} the profile file's content, or null for a built-in.
     */
    public record Source(Profile profile, String base, String text) {}

    /** A built-in profile by name, or a profile file ({@link ProfileFile}) read from the path {@code name}. */
    public static Source resolve(String name) {
        Supplier<Profile> p = REGISTRY.get(name);
        if (p != null) {
            return new Source(p.get(), name, null);
        }
        if (!exists(name)) {
            throw new UserError("unknown profile '" + name + "': expected one of " + String.join(", ", REGISTRY.keySet())
                    + ", or the path of a profile file (.json; `shootdown profile skylake` prints one to start from)");
        }
        return ProfileFile.read(Path.of(name));
    }

    private static boolean exists(String path) {
        try {
            return Files.exists(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    public static Profile byName(String name) {
        return resolve(name).profile();
    }

    /** Costs of the kernel-software side that are the same guess on every x86 profile (scaled by nothing). */
    private static Profile.Builder commonKernel(Profile.Builder b) {
        return b
                .cost(Event.USER_ACCESS, 4)        // L1 hit load-to-use [ANANDTECH19]
                .cost(Event.PTE_READ, 1)           // the PTE line's transfer is charged by the line model
                .cost(Event.PTE_WRITE, 1)          // plain store; the line transfer is charged separately
                .cost(Event.PTE_ATOMIC, 20)        // LOCK CMPXCHG/XCHG [AGNER]
                .cost(Event.LOCK, 20)              // LOCK-prefixed RMW [AGNER]
                .cost(Event.SHARED_READ, 1)        // + line transfer
                .cost(Event.SHARED_WRITE, 1)       // + line transfer
                .cost(Event.PERCPU_READ, 1)        // + line transfer
                .cost(Event.PERCPU_WRITE, 1)       // + line transfer
                .cost(Event.ACK, 1)                // the csd unlock store; its RFO is the line transfer
                .cost(Event.IRQ_OFF, 5)            // cli: ESTIMATE
                .cost(Event.IRQ_ON, 5)             // sti: ESTIMATE
                .cost(Event.PAGE_FAULT, 800)       // exception entry, fault handling that maps nothing, exit: ESTIMATE
                .cost(Event.FRAME_ALLOC, 1000)     // page allocator fast path plus clear_page of 4 KiB: ESTIMATE
                .cost(Event.FRAME_FREE, 300)       // freeing to the per-CPU lists: ESTIMATE
                .cost(Event.WRITEBACK, 4000);      // building and submitting one swap-out bio (the I/O itself is asynchronous): ESTIMATE
    }

    /** A two-socket Skylake-SP server (Xeon Gold 6130 class: 2.1 GHz, 16 cores, 2 threads per core). */
    static Profile skylake() {
        return commonKernel(Profile.builder("skylake", "Skylake-SP 2-socket x86 server, x2APIC IPIs, no broadcast invalidation"))
                .ghz(2.1)                                      // Xeon Gold 6130 base clock (ESTIMATE of a typical part)
                .topology(new Topology(2, 1, 16, 2))
                .step(1)
                .cost(Event.TIMER_TICK, 4000)                  // scheduler tick: timer interrupt entry, tick_sched_timer, scheduler_tick, exit, about 2 us: ESTIMATE
                .cost(Event.INVLPG, 260)                       // [MOLNAR15]
                .cost(Event.FLUSH_ALL, 96)                     // CR3 reload [MOLNAR15]; the refill is charged as TLB_MISS walks
                .rangedFlush(404)                              // [MOLNAR15] (no ranged flush in the language yet)
                .cost(Event.TLB_MISS, 30)                      // walk with upper levels in the paging-structure caches and the PTE in L2 (14 [ANANDTECH19]) plus walker overhead: ESTIMATE
                .cost(Event.DIRTY_REWALK, 50)                  // locked re-walk to set D: walk + locked update, ESTIMATE
                .cost(Event.BARRIER, 33)                       // MFENCE [AGNER]
                .cost(Event.STORE_DRAIN, 20)                   // memory tso: a buffered store visible after it retires and commits, one a cycle [DOWNS19]; its RFO is charged at the store: ESTIMATE
                .cost(Event.IPI_SEND, 150)                     // x2APIC ICR WRMSR plus queueing the call on the target: ESTIMATE
                .cost(Event.IPI_ENTER, 500)                    // interrupt delivery into the handler: vectoring, entry code, PTI CR3 switch: ESTIMATE (same order as [AMIT20])
                .cost(Event.IRET, 300)                         // exit path and IRET back to the interrupted context: ESTIMATE
                .cost(Event.TLBSYNC, 0)                        // no broadcast invalidation on Intel
                .lines(4, 14, 90, 90, 280)                     // L1 4, L2 14 [ANANDTECH19]; same socket ~42 ns = 88 cycles [MCCALPIN16]; other socket ~133 ns: ESTIMATE
                .ipiLatency(0, 800, 1000, 1000, 1600)          // ICR write to interrupt pending at the target, about 0.5 us on a socket, more across: ESTIMATE ([AMIT20]: >= 1000 cycles round trip)
                .noBroadcastInvalidation()
                .build();
    }

    /** The Dell PowerEdge 2550 of seed 001: two Pentium III at 1.1 GHz on one front-side bus, serial APIC bus. */
    static Profile pentium3() {
        return commonKernel(Profile.builder("p3", "2x Pentium III 1.1 GHz (seed 001's Dell 2550), serial APIC bus IPIs"))
                .ghz(1.1)                                      // seed 001
                .topology(new Topology(2, 1, 1, 1))            // two single-core packages
                .step(1)
                .cost(Event.TIMER_TICK, 2200)                  // the 2004 tick handler (hardclock and statclock on DragonFly, HZ 100), about 2 us: ESTIMATE
                .cost(Event.INVLPG, 25)                        // [PENTIUMREF] (P5 figure used for the P6: ESTIMATE)
                .cost(Event.FLUSH_ALL, 40)                     // MOV CR3 on P6, the refill is charged as TLB_MISS walks: ESTIMATE
                .cost(Event.TLB_MISS, 40)                      // two-level walk hitting L2: ESTIMATE
                .cost(Event.DIRTY_REWALK, 60)                  // ESTIMATE
                .cost(Event.BARRIER, 30)                       // a locked instruction used as a fence on P6: ESTIMATE
                .cost(Event.STORE_DRAIN, 10)                   // memory tso: retire and commit on the shorter P6 pipeline, no more than one a cycle [DOWNS19]: ESTIMATE
                .cost(Event.PTE_ATOMIC, 30)                    // locked RMW on P6 (bus lock or cache lock): ESTIMATE
                .cost(Event.LOCK, 30)                          // ESTIMATE
                .cost(Event.IPI_SEND, 100)                     // uncached MMIO write of the xAPIC ICR: ESTIMATE
                .cost(Event.IPI_ENTER, 200)                    // P6 interrupt gate, microcoded: ESTIMATE
                .cost(Event.IRET, 150)                         // ESTIMATE
                .cost(Event.PAGE_FAULT, 600)                   // ESTIMATE
                .cost(Event.FRAME_ALLOC, 1500)                 // allocator plus clearing 4 KiB at the P3's memory bandwidth: ESTIMATE
                .lines(3, 3, 3, 150, 150)                      // modified-line intervention over the shared FSB, about 130 ns: ESTIMATE
                .ipiLatency(0, 1386, 1386, 1386, 1386)         // one 21-clock short message at 16.7 MHz = 1.26 us = 1386 cycles [LUNDELL01]
                .noBroadcastInvalidation()
                .build();
    }

    /** An AMD EPYC Milan (Zen 3) with INVLPGB/TLBSYNC, as in [VANRIEL24]'s 36-core test machine. */
    static Profile milan() {
        return commonKernel(Profile.builder("milan", "AMD EPYC Milan (Zen 3), 8-core CCXs, x2APIC IPIs and INVLPGB/TLBSYNC broadcast invalidation"))
                .ghz(2.5)                                      // ESTIMATE of a typical Milan base clock
                .topology(new Topology(1, 8, 8, 1))            // 8 CCXs of 8 cores; [VANRIEL24] ran 36 of them
                .step(1)
                .cost(Event.TIMER_TICK, 5000)                  // scheduler tick, about 2 us: ESTIMATE as for Skylake
                .cost(Event.INVLPG, 80)                        // [AMD64OPT] K8 figure, no Zen 3 figure found: ESTIMATE
                .cost(Event.FLUSH_ALL, 100)                    // CR3 reload: ESTIMATE (same order as [MOLNAR15])
                .cost(Event.TLB_MISS, 30)                      // ESTIMATE as for Skylake
                .cost(Event.DIRTY_REWALK, 50)                  // ESTIMATE
                .cost(Event.BARRIER, 40)                       // MFENCE on Zen: ESTIMATE
                .cost(Event.STORE_DRAIN, 20)                   // memory tso: retire and commit, as for Skylake [DOWNS19]: ESTIMATE
                .cost(Event.IPI_SEND, 150)                     // x2APIC ICR WRMSR plus queueing: ESTIMATE
                .cost(Event.IPI_ENTER, 500)                    // ESTIMATE as for Skylake
                .cost(Event.IRET, 300)                         // ESTIMATE
                .cost(Event.TLBIE, 150)                        // INVLPGB issue: ESTIMATE (no published latency found)
                .cost(Event.TLBSYNC, 50)                       // TLBSYNC itself; the wait for completion is simulated: ESTIMATE
                .lines(4, 12, 50, 225, 475)                    // L1 4 / L2 12 [ANANDTECH19]; in-CCX ~20 ns, cross-CCX ~90 ns, cross-socket ~190 ns at 2.5 GHz [ANANDTECH21]
                .ipiLatency(0, 800, 1000, 1300, 2000)          // ESTIMATE (as Skylake, plus the fabric hop between CCXs)
                .broadcastLatency(0, 300, 300, 600, 1200)      // invalidation message over the fabric and its acknowledgement: ESTIMATE (about two cross-CCX trips)
                .build();
    }

    /** An arm64 server (Neoverse N1 class, e.g. 80 cores at 3.0 GHz) using TLBI ...IS + DSB ISH. */
    static Profile arm64() {
        return commonKernel(Profile.builder("arm64", "arm64 server (Neoverse N1 class), TLBI IS broadcast invalidation completed by DSB ISH, GICv3 SGIs"))
                .ghz(3.0)                                      // Ampere Altra max clock: ESTIMATE of a typical part
                .topology(new Topology(1, 40, 2, 1))           // mesh of 2-core clusters
                .step(1)
                .cost(Event.TIMER_TICK, 6000)                  // arch timer interrupt and scheduler tick, about 2 us: ESTIMATE
                .cost(Event.INVLPG, 100)                       // TLBI VAE1 (local) + DSB NSH: ESTIMATE
                .cost(Event.FLUSH_ALL, 150)                    // TLBI ASIDE1 + DSB: ESTIMATE
                .cost(Event.TLB_MISS, 30)                      // ESTIMATE
                .cost(Event.DIRTY_REWALK, 50)                  // hardware DBM update: ESTIMATE
                .cost(Event.BARRIER, 40)                       // DMB ISH: ESTIMATE
                .cost(Event.STORE_DRAIN, 20)                   // only a model that says memory tso buffers stores: as for x86 [DOWNS19]: ESTIMATE
                .cost(Event.IPI_SEND, 200)                     // ICC_SGI1R_EL1 write: ESTIMATE
                .cost(Event.IPI_ENTER, 400)                    // exception entry and GIC acknowledge: ESTIMATE
                .cost(Event.IRET, 250)                         // EOI and ERET: ESTIMATE
                .cost(Event.TLBIE, 50)                         // TLBI VAE1IS issue: ESTIMATE
                .cost(Event.TLBSYNC, 50)                       // DSB ISH itself; the wait for completion is simulated: ESTIMATE
                .lines(4, 12, 40, 200, 500)                    // ESTIMATE (mesh of N1 clusters)
                .ipiLatency(0, 1000, 1000, 1500, 3000)         // SGI routed through the GIC redistributors: ESTIMATE
                .broadcastLatency(0, 200, 200, 500, 1500)      // DVM message over the mesh and its completion: ESTIMATE
                .build();
    }
}

package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Decl;
import dev.shootdown.lang.Keywords;
import dev.shootdown.lang.Position;
import dev.shootdown.lang.Token;
import dev.shootdown.lang.TokenKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hardware a model declares, read from its {@code hardware} declaration: {@link Decl.Hardware}
 * (with the CPU lines and the page count, which give defaults) in, {@link Hardware} out.
 *
 * @param cpusAt where the CPU count comes from: the {@code cpus} knob's value, the {@code cpu} line
 *               that names the highest CPU, or the hardware declaration
 */
record HardwareDecl(Hardware hardware, Position cpusAt) {

    /**
     * Reads {@code hw}'s knobs over its profile's presets, with {@code knobOverrides} (a sweep's) over
     * both. Without a {@code cpus} knob the count is one past the highest CPU a {@code cpu} line names;
     * without {@code tlb_capacity} a TLB holds every page ({@code pages} of them; with ASIDs, under each ASID).
     */
    static HardwareDecl read(Decl.Hardware hw, List<Decl.Cpu> cpuDecls, int pages, Map<String, String> knobOverrides) {
        Position cpusAt = null;
        if (!Profiles.exists(hw.profile())) {
            throw new CompileError(hw.pos(), "unknown hardware profile '" + hw.profile() + "': expected " + String.join(", ", Profiles.names()));
        }
        int nCpus = -1;
        int capacity = -1;
        boolean blindSet = false;
        boolean evictions = false;
        Hardware.MemoryModel memory = Hardware.MemoryModel.SC;
        int storeBuffer = 2;
        boolean ipiLatched = false;
        boolean speculative = false;
        boolean pcid = false;
        int asids = 0;
        Position asidsAt = null;
        Hardware.PagingCache pagingCache = Hardware.PagingCache.OFF;
        int rcuSlots = 2;
        boolean softwareDirty = false;
        boolean icacheIncoherent = false;
        int xenQueue = 0;
        boolean xapic = false;
        int flushCeiling = Hardware.DEFAULT_FLUSH_CEILING;
        List<Decl.Knob> knobs = new ArrayList<>();
        for (Map.Entry<String, String> preset : Profiles.knobs(hw.profile()).entrySet()) {
            if (hw.knobs().stream().noneMatch(k -> k.name().equals(preset.getKey())) && !preset.getValue().equals("false")) {
                String v = preset.getValue();
                knobs.add(new Decl.Knob(hw.pos(), preset.getKey(), v.equals("true") ? null
                        : new Token(v.chars().allMatch(Character::isDigit) ? TokenKind.INT : TokenKind.IDENT, v, hw.pos())));
            }
        }
        knobs.addAll(hw.knobs());
        for (Map.Entry<String, String> o : knobOverrides.entrySet()) {
            knobs.removeIf(k -> k.name().equals(o.getKey()));
            String v = o.getValue();
            if (v.equals("false") && !Profiles.knobs(hw.profile()).containsKey(o.getKey())) {
                continue;
            }
            TokenKind kind = v.chars().allMatch(Character::isDigit) ? TokenKind.INT : TokenKind.IDENT;
            Token value = v.equals("true") ? null : v.equals("false") ? new Token(TokenKind.IDENT, "off", hw.pos()) : new Token(kind, v, hw.pos());
            knobs.add(new Decl.Knob(hw.pos(), o.getKey(), value));
        }
        for (Decl.Knob k : knobs) {
            Knob knob = Knob.byWord(k.name());
            if (knob == null) {
                throw new CompileError(k.pos(), "unknown knob '" + k.name() + "': expected " + Keywords.alternatives(Knob.words()));
            }
            switch (knob) {
                case CPUS -> {
                    nCpus = intKnob(k, knob);
                    cpusAt = k.value().position();
                }
                case TLB_CAPACITY -> capacity = intKnob(k, knob);
                case BLIND_SET -> blindSet = flagKnob(k);
                case EVICTIONS -> evictions = flagKnob(k);
                case MEMORY -> memory = choiceKnob(k, knob).equals("tso") ? Hardware.MemoryModel.TSO : Hardware.MemoryModel.SC;
                case STORE_BUFFER -> storeBuffer = intKnob(k, knob);
                case IPI_LATCHED -> ipiLatched = flagKnob(k);
                case SPECULATIVE_WALKS -> speculative = flagKnob(k);
                case PCID -> pcid = flagKnob(k);
                case ASIDS -> {
                    asids = intKnob(k, knob);
                    asidsAt = k.pos();
                }
                case RCU_SLOTS -> rcuSlots = intKnob(k, knob);
                case SOFTWARE_DIRTY -> softwareDirty = flagKnob(k);
                case XEN_QUEUE -> xenQueue = intKnob(k, knob);
                case APIC -> xapic = choiceKnob(k, knob).equals("xapic");
                case TLB_SINGLE_PAGE_FLUSH_CEILING -> flushCeiling = intKnob(k, knob);
                case ICACHE -> icacheIncoherent = choiceKnob(k, knob).equals("incoherent");
                case PAGING_CACHE -> pagingCache = switch (choiceKnob(k, knob)) {
                    case "off" -> Hardware.PagingCache.OFF;
                    case "x86" -> Hardware.PagingCache.X86;
                    default -> Hardware.PagingCache.LPAE;
                };
            }
        }
        if (nCpus < 0) {
            int max = 0;
            cpusAt = hw.pos();
            for (Decl.Cpu c : cpuDecls) {
                for (Decl.CpuRange r : c.cpus()) {
                    if (Math.max(r.from(), r.to()) + 1 > max) {
                        max = Math.max(r.from(), r.to()) + 1;
                        cpusAt = r.pos();
                    }
                }
            }
            nCpus = Math.max(1, max);
        }
        if (pcid && asids > 0) {
            throw new CompileError(asidsAt, "'pcid' tags TLB entries with their address space, 'asids' with ASID values the kernel loads: use one of them");
        }
        if (capacity < 0) {
            // Every (page, ASID) slot: a TLB that never fills up.
            capacity = Math.max(1, pages * Math.max(1, asids));
        }
        return new HardwareDecl(new Hardware(hw.profile(), nCpus, capacity, blindSet, evictions, memory, memory == Hardware.MemoryModel.TSO ? storeBuffer : 0, ipiLatched,
                speculative, pcid, pagingCache, rcuSlots, softwareDirty, icacheIncoherent, xenQueue, xapic, asids, flushCeiling), cpusAt);
    }

    private static int intKnob(Decl.Knob k, Knob knob) {
        if (k.value() == null || k.value().kind() != TokenKind.INT) {
            throw new CompileError(k.pos(), "expected a number after '" + k.name() + "'");
        }
        int v;
        try {
            v = Integer.parseInt(k.value().text());
        } catch (NumberFormatException e) {
            v = Integer.MAX_VALUE;
        }
        if (v < knob.min() || v > knob.max()) {
            throw new CompileError(k.value().position(), "'" + k.name() + "' must be between " + knob.min() + " and " + knob.max());
        }
        return v;
    }

    /** A knob that takes one word of a list: the word written. */
    private static String choiceKnob(Decl.Knob k, Knob knob) {
        String v = k.value() == null ? "" : k.value().text();
        if (!knob.choices().contains(v)) {
            List<String> written = knob.choices().stream().map(c -> "'" + knob.word() + " " + c + "'").toList();
            throw new CompileError(k.value() == null ? k.pos() : k.value().position(), "expected " + Keywords.alternatives(written));
        }
        return v;
    }

    /** A flag knob: on when written alone or with {@code on}/{@code true}, off with {@code off}/{@code false} (to clear a profile's preset). */
    private static boolean flagKnob(Decl.Knob k) {
        if (k.value() == null) {
            return true;
        }
        switch (k.value().text()) {
            case "on", "true" -> {
                return true;
            }
            case "off", "false" -> {
                return false;
            }
            default -> throw new CompileError(k.value().position(), "'" + k.name() + "' is a flag: write it alone, or with on or off");
        }
    }
}
